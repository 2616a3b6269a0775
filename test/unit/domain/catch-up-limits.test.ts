import { expect } from 'chai';
import type { PushedEvent } from '../../../src/domain/catch-up';
import { FramesReplay } from '../../../src/domain/replay-source';
import { CatchUpKit, frame, names, ScriptedSource } from './catch-up-kit';

const KIB = 1024;
const conflates = (topic: string): boolean => topic.startsWith('rates.');
/** An event as the Broker pushes it, conflatable when its topic is a rate. */
const pushed = (topic: string, id: string): PushedEvent => ({ topic, id, conflatable: conflates(topic) });

describe('CatchUp limits', () => {
  describe('CLIENT_BUFFER_BYTES', () => {
    it('drops a client as slow once the events waiting for it pass the bound', () => {
      const kit = new CatchUpKit({ clientBufferBytes: 1000 });
      const { sink, subscriber } = kit.replaying([new ScriptedSource([{ kind: 'wait' }])]);
      kit.catchUp.push(subscriber, frame('e1', 600));
      expect(kit.drops).to.deep.equal([]);
      kit.catchUp.push(subscriber, frame('e2', 600));
      expect(kit.dropsOf(subscriber)).to.deep.equal(['slow']);
      expect(sink.closeReasons).to.deep.equal(['slow']);
      expect(kit.catchUp.size).to.equal(0);
    });

    it('does not count the bytes a replay left in the transport, while it runs', () => {
      const kit = new CatchUpKit({ clientBufferBytes: 1000 });
      const replay = new FramesReplay(
        Array.from({ length: 100 }, (_, i) => frame(`r${i}`, KIB)),
        100,
      );
      const { sink, subscriber } = kit.replaying([replay], 0);
      kit.catchUp.push(subscriber, frame('live', 100));
      expect(kit.drops).to.deep.equal([]);
      sink.drain();
      expect(names(sink).at(-1)).to.equal('live');
    });

    it('does not count the bytes a replay left in the transport, once its last round is written', () => {
      const kit = new CatchUpKit({ clientBufferBytes: 1000 });
      const replay = new FramesReplay([frame('r1', 600), frame('r2', 600), frame('r3', 600)], 3);
      const { sink, subscriber } = kit.replaying([replay], 0);
      expect(names(sink)).to.deep.equal(['r1', 'r2', 'r3']);
      kit.catchUp.push(subscriber, frame('live', 100));
      expect(kit.drops).to.deep.equal([]);
      sink.drain();
      expect(names(sink)).to.deep.equal(['r1', 'r2', 'r3', 'live']);
      expect(kit.caughtUp).to.deep.equal([subscriber]);
    });

    it('counts what waits in the transport of a client that fell behind', () => {
      const kit = new CatchUpKit({ clientBufferBytes: 1000 });
      const { subscriber } = kit.fallenBehind(800);
      kit.catchUp.push(subscriber, frame('e1', 150));
      expect(kit.drops).to.deep.equal([]);
      kit.catchUp.push(subscriber, frame('e2', 100));
      expect(kit.dropsOf(subscriber)).to.deep.equal(['slow']);
    });
  });

  describe('conflation', () => {
    it('replaces the waiting event of a conflatable topic with the newer one, at the end, keeping the order', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.fallenBehind(10);
      const push = (name: string, topic: string): void =>
        kit.catchUp.push(subscriber, frame(name), pushed(topic, name));
      push('a1', 'rates.A');
      push('n1', 'news');
      push('b1', 'rates.B');
      push('a2', 'rates.A');
      push('n2', 'news');
      push('a3', 'rates.A');
      sink.drain();
      expect(names(sink)).to.deep.equal(['live', 'n1', 'b1', 'n2', 'a3']);
    });

    it('counts only the newest waiting event of a conflatable topic toward the bound', () => {
      const kit = new CatchUpKit({ clientBufferBytes: 1000 });
      const { sink, subscriber } = kit.replaying([new ScriptedSource([{ kind: 'wait' }])]);
      for (let n = 1; n <= 10; n += 1) kit.catchUp.push(subscriber, frame(`a${n}`, 600), pushed('rates.A', `a${n}`));
      expect(kit.drops).to.deep.equal([]);
      kit.catchUp.push(subscriber, frame('n1', 300), pushed('news', 'n1'));
      kit.catchUp.push(subscriber, frame('n2', 300), pushed('news', 'n2'));
      expect(kit.dropsOf(subscriber)).to.deep.equal(['slow']);
      expect(sink.rawFrames).to.have.length(0);
    });

    it('replaces nothing for events not conflatable, nor for frames pushed without a topic', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.fallenBehind(10);
      kit.catchUp.push(subscriber, frame('c1'));
      kit.catchUp.push(subscriber, frame('c2'));
      const plain = new CatchUpKit();
      const other = plain.fallenBehind(10);
      plain.catchUp.push(other.subscriber, frame('a1'), { topic: 'rates.A', id: 'a1', conflatable: false });
      plain.catchUp.push(other.subscriber, frame('a2'), { topic: 'rates.A', id: 'a2', conflatable: false });
      sink.drain();
      other.sink.drain();
      expect(names(sink)).to.deep.equal(['live', 'c1', 'c2']);
      expect(names(other.sink)).to.deep.equal(['live', 'a1', 'a2']);
    });

    it('never replaces replayed events, only those waiting behind the replay', () => {
      const kit = new CatchUpKit();
      const replay = new ScriptedSource([{ kind: 'wait' }, { kind: 'frames', frames: [frame('a1')], events: 1 }]);
      const { sink, subscriber } = kit.replaying([replay]);
      kit.catchUp.push(subscriber, frame('a2'), pushed('rates.A', 'a2'));
      kit.catchUp.push(subscriber, frame('a3'), pushed('rates.A', 'a3'));
      replay.ready();
      expect(names(sink)).to.deep.equal(['a1', 'a3']);
    });
  });

  describe('stalled clients', () => {
    it('drops a client that takes no byte for stallMs, and not before', () => {
      const kit = new CatchUpKit({ stallMs: 60_000 });
      const { sink, subscriber } = kit.fallenBehind(100);
      kit.now = 59_999;
      kit.catchUp.tick();
      expect(kit.drops).to.deep.equal([]);
      kit.now = 60_000;
      kit.catchUp.tick();
      expect(kit.dropsOf(subscriber)).to.deep.equal(['stalled']);
      expect(sink.closeReasons).to.deep.equal(['stalled']);
    });

    it('counts from the last byte the client took', () => {
      const kit = new CatchUpKit({ stallMs: 60_000 });
      const { sink, subscriber } = kit.fallenBehind(100);
      kit.catchUp.push(subscriber, frame('e1', 200));
      kit.now = 30_000;
      sink.drain(0);
      kit.catchUp.tick();
      kit.now = 89_999;
      kit.catchUp.tick();
      expect(kit.drops).to.deep.equal([]);
      kit.now = 90_000;
      kit.catchUp.tick();
      expect(kit.dropsOf(subscriber)).to.deep.equal(['stalled']);
    });

    it('never drops a client that has nothing waiting in its transport (its replay source is slow)', () => {
      const kit = new CatchUpKit({ stallMs: 60_000 });
      kit.replaying([new ScriptedSource([{ kind: 'wait' }])]);
      kit.now = 10 * 60_000;
      kit.catchUp.tick();
      expect(kit.drops).to.deep.equal([]);
    });
  });

  describe('the bound on all clients behind together', () => {
    it('drops the client holding most, as memory, once the total passes the bound', () => {
      const kit = new CatchUpKit({ totalBufferBytes: 2000 });
      const small = kit.fallenBehind(500);
      const large = kit.fallenBehind(900);
      kit.catchUp.push(small.subscriber, frame('s1', 300));
      expect(kit.drops).to.deep.equal([]);
      kit.catchUp.push(large.subscriber, frame('l1', 400));
      expect(kit.drops.map(([s, reason]) => [s === large.subscriber, reason])).to.deep.equal([[true, 'memory']]);
      expect(kit.catchUp.size).to.equal(1);
      small.sink.drain();
      expect(names(small.sink)).to.deep.equal(['live', 's1']);
    });

    it('forgets what a client held once it is caught up or gone', () => {
      const kit = new CatchUpKit({ totalBufferBytes: 1500 });
      const first = kit.fallenBehind(1000);
      first.sink.drain();
      const second = kit.fallenBehind(1000);
      kit.catchUp.remove(second.subscriber);
      const third = kit.fallenBehind(1000);
      kit.catchUp.push(third.subscriber, frame('t1', 400));
      expect(kit.drops).to.deep.equal([]);
    });
  });
});
