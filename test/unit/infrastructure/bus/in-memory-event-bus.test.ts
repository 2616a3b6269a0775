import { expect } from 'chai';
import pino from 'pino';
import type { EventId, StreamEvent } from '../../../../src/domain/stream-event';
import type { Topic } from '../../../../src/domain/topic';
import { InMemoryEventBus } from '../../../../src/infrastructure/bus/in-memory-event-bus';

const event: StreamEvent = { id: 'e1' as EventId, topic: 'broadcast' as Topic, data: null, publishedAt: 0 };

describe('InMemoryEventBus', () => {
  it('hands an event to every subscribed handler before publish resolves', async () => {
    const bus = new InMemoryEventBus(pino({ level: 'silent' }));
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`a:${e.id}`));
    bus.subscribe((e) => seen.push(`b:${e.id}`));
    const published = bus.publish(event);
    expect(seen).to.deep.equal(['a:e1', 'b:e1']);
    expect(await published).to.deep.equal({ ok: true, value: undefined });
  });

  it('keeps delivering to the other handlers and logs when one throws', async () => {
    const lines: string[] = [];
    const bus = new InMemoryEventBus(pino({ level: 'error' }, { write: (line: string) => lines.push(line) }));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => seen.push(e.id));
    expect((await bus.publish(event)).ok).to.equal(true);
    expect(seen).to.deep.equal(['e1']);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('boom').and.to.include('e1');
  });

  it('takes listener objects beside plain handlers, and never signals a gap', async () => {
    const bus = new InMemoryEventBus(pino({ level: 'silent' }));
    const seen: string[] = [];
    bus.subscribe({ event: (e) => seen.push(`listener:${e.id}`), gap: () => seen.push('gap') });
    bus.subscribe((e) => seen.push(`handler:${e.id}`));
    await bus.publish(event);
    expect(seen).to.deep.equal(['listener:e1', 'handler:e1']);
  });

  it('is always ready', async () => {
    const bus = new InMemoryEventBus(pino({ level: 'silent' }));
    await bus.start();
    expect(bus.readiness()).to.deep.equal({ ready: true });
    await bus.close();
  });
});
