import { expect } from 'chai';
import { LogReplay } from '../../../src/domain/log-replay';
import type { ReplayStep } from '../../../src/domain/replay-source';
import type { StreamEvent } from '../../../src/domain/stream-event';
import { FakeLogRead, settle } from '../../fakes/fake-event-log';
import { event } from './broker-kit';
import { frame, ScriptedSource } from './catch-up-kit';

const decoder = new TextDecoder();
const namesIn = (step: ReplayStep): string[] =>
  step.kind === 'frames' ? step.frames.map((f) => decoder.decode(f).replace(/\.*\|$/, '')) : [step.kind];

describe('LogReplay', () => {
  let read: FakeLogRead;
  let fallbacks: ScriptedSource[];
  let readies: number;
  let replay: LogReplay;

  beforeEach(() => {
    read = new FakeLogRead('e0');
    fallbacks = [];
    readies = 0;
    const frameOf = (e: StreamEvent): Uint8Array | undefined => (e.topic === 'hidden' ? undefined : frame(e.id, 100));
    const onNotFound = (): ScriptedSource => {
      const fallback = new ScriptedSource([{ kind: 'frames', frames: [frame('reset')], events: 0 }]);
      fallbacks.push(fallback);
      return fallback;
    };
    replay = new LogReplay('e0', read, frameOf, onNotFound);
  });

  /** Asks for a first step (a wait: nothing is fetched yet) and registers for its readiness. */
  const waitThenReady = (): void => {
    expect(replay.next(1000)).to.deep.equal({ kind: 'wait' });
    replay.whenReady(() => (readies += 1));
  };

  it('says wait and fetches one batch, then tells when it has arrived', async () => {
    waitThenReady();
    expect(replay.next(1000)).to.deep.equal({ kind: 'wait' });
    expect(read.asked).to.equal(1);
    read.respond({ kind: 'events', events: [event('e1'), event('e2')] });
    await settle();
    expect(readies).to.equal(1);
    expect(namesIn(replay.next(1000))).to.deep.equal(['e1', 'e2']);
  });

  it('gives the buffered frames about budget bytes at a time before fetching more', async () => {
    waitThenReady();
    read.respond({ kind: 'events', events: [event('e1'), event('e2'), event('e3')] });
    await settle();
    expect(namesIn(replay.next(150))).to.deep.equal(['e1', 'e2']);
    expect(namesIn(replay.next(150))).to.deep.equal(['e3']);
    expect(read.asked).to.equal(1);
    expect(replay.next(150)).to.deep.equal({ kind: 'wait' });
    expect(read.asked).to.equal(2);
  });

  it('skips the events whose frame is undefined (the client may not see them)', async () => {
    waitThenReady();
    read.respond({ kind: 'events', events: [event('h1', { topic: 'hidden' })] });
    await settle();
    expect(replay.next(1000)).to.deep.equal({ kind: 'wait' });
    read.respond({ kind: 'events', events: [event('e2')] });
    await settle();
    expect(namesIn(replay.next(1000))).to.deep.equal(['e2']);
  });

  it('is done after the end of the read', async () => {
    waitThenReady();
    read.respond({ kind: 'end' });
    await settle();
    expect(replay.next(1000)).to.deep.equal({ kind: 'done' });
  });

  it('says failed after a failed read, and after a read that rejects', async () => {
    waitThenReady();
    read.respond({ kind: 'failed' });
    await settle();
    expect(replay.next(1000)).to.deep.equal({ kind: 'failed' });
    const other = new FakeLogRead('e0');
    const rejecting = new LogReplay(
      'e0',
      other,
      () => frame('x'),
      () => new ScriptedSource([]),
    );
    expect(rejecting.next(1000)).to.deep.equal({ kind: 'wait' });
    other.reject(new Error('adapter bug (fake)'));
    await settle();
    expect(rejecting.next(1000)).to.deep.equal({ kind: 'failed' });
  });

  it('hands over to its fallback when the log does not hold the id, closing the read', async () => {
    waitThenReady();
    read.respond({ kind: 'not-found' });
    await settle();
    expect(readies).to.equal(1);
    expect(read.closes).to.equal(1);
    expect(namesIn(replay.next(1000))).to.deep.equal(['reset']);
    expect(replay.next(1000)).to.deep.equal({ kind: 'done' });
  });

  it('closes the read and its fallback when closed', async () => {
    waitThenReady();
    read.respond({ kind: 'not-found' });
    await settle();
    replay.close();
    expect(fallbacks[0]!.closed).to.equal(true);
    expect(read.closes).to.be.greaterThan(0);
  });

  it('closes the read when closed while a fetch is under way', () => {
    waitThenReady();
    replay.close();
    expect(read.closes).to.equal(1);
  });
});
