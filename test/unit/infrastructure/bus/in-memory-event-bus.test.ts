import { expect } from 'chai';
import pino from 'pino';
import type { StreamEvent } from '../../../../src/domain/stream-event';
import { InMemoryEventBus } from '../../../../src/infrastructure/bus/in-memory-event-bus';
import { testEvent } from '../../../support/events';

const event = testEvent('e1', { data: null });
const on = (handle: (e: StreamEvent) => void) => ({ event: handle, gap: () => undefined });

describe('InMemoryEventBus', () => {
  it('hands an event to every listener before publish resolves', async () => {
    const bus = new InMemoryEventBus(pino({ level: 'silent' }));
    const seen: string[] = [];
    bus.listen(on((e) => seen.push(`a:${e.id}`)));
    bus.listen(on((e) => seen.push(`b:${e.id}`)));
    const published = bus.publish(event);
    expect(seen).to.deep.equal(['a:e1', 'b:e1']);
    expect(await published).to.deep.equal({ ok: true, value: undefined });
  });

  it('keeps delivering to the other listeners and logs when one throws', async () => {
    const lines: string[] = [];
    const bus = new InMemoryEventBus(pino({ level: 'error' }, { write: (line: string) => lines.push(line) }));
    const seen: string[] = [];
    bus.listen(
      on(() => {
        throw new Error('boom');
      }),
    );
    bus.listen(on((e) => seen.push(e.id)));
    expect((await bus.publish(event)).ok).to.equal(true);
    expect(seen).to.deep.equal(['e1']);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('boom').and.to.include('e1');
  });

  it('never signals a gap: nothing is lost in one process', async () => {
    const bus = new InMemoryEventBus(pino({ level: 'silent' }));
    const seen: string[] = [];
    bus.listen({ event: (e) => seen.push(`event:${e.id}`), gap: () => seen.push('gap') });
    await bus.publish(event);
    await bus.publish(testEvent('e2'));
    expect(seen).to.deep.equal(['event:e1', 'event:e2']);
  });

  it('is always ready', async () => {
    const bus = new InMemoryEventBus(pino({ level: 'silent' }));
    await bus.start();
    expect(bus.readiness()).to.deep.equal({ ready: true });
    await bus.close();
  });
});
