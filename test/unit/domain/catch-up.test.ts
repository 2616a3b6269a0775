import { expect } from 'chai';
import { EventHistory } from '../../../src/domain/event-history';
import { FramesReplay, HistoryReplay } from '../../../src/domain/replay-source';
import { audience } from './broker-kit';
import { CatchUpKit, frame, names, ScriptedSource } from './catch-up-kit';

const KIB = 1024;
const framesOf = (count: number, bytes: number, prefix = 'r'): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => frame(`${prefix}${i + 1}`, bytes));
const namesOf = (count: number, prefix = 'r'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

describe('CatchUp', () => {
  describe('a replay', () => {
    it('goes out a round of about 64 KiB at a time, each once the transport has flushed the last', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new FramesReplay(framesOf(200, KIB), 200)], 0);
      expect(sink.rawFrames.map((f) => f.length)).to.deep.equal([64 * KIB]);
      sink.drain(0);
      expect(sink.rawFrames.map((f) => f.length)).to.deep.equal([64 * KIB, 64 * KIB]);
      sink.drain(0);
      sink.drain(0);
      expect(sink.written).to.have.length(200 * KIB);
      expect(kit.caughtUp).to.deep.equal([]);
      sink.drain(0);
      expect(kit.caughtUp).to.deep.equal([subscriber]);
      expect(names(sink)).to.deep.equal(namesOf(200));
      expect(kit.delivered).to.equal(200);
    });

    it('goes out whole at once to a transport that takes everything, and the client is caught up', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new FramesReplay(framesOf(200, KIB), 200)]);
      expect(names(sink)).to.deep.equal(namesOf(200));
      expect(kit.caughtUp).to.deep.equal([subscriber]);
    });

    it('is followed by the live events pushed meanwhile, in order', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new FramesReplay(framesOf(100, KIB), 100)], 0);
      kit.catchUp.push(subscriber, frame('live1'));
      kit.catchUp.push(subscriber, frame('live2'));
      sink.drain();
      expect(names(sink)).to.deep.equal([...namesOf(100), 'live1', 'live2']);
      expect(kit.caughtUp).to.deep.equal([subscriber]);
    });

    it('leaves the client behind until its last bytes have left the transport', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new FramesReplay(framesOf(3, 10), 3)], 0);
      expect(names(sink)).to.deep.equal(namesOf(3));
      expect(kit.caughtUp).to.deep.equal([]);
      sink.drain(0);
      expect(kit.caughtUp).to.deep.equal([subscriber]);
    });

    it('waits for a source that is not ready and goes on when it is', () => {
      const kit = new CatchUpKit();
      const source = new ScriptedSource([
        { kind: 'wait' },
        { kind: 'frames', frames: [frame('a'), frame('b')], events: 2 },
      ]);
      const { sink, subscriber } = kit.replaying([source]);
      kit.catchUp.push(subscriber, frame('live'));
      expect(sink.rawFrames).to.have.length(0);
      source.ready();
      expect(names(sink)).to.deep.equal(['a', 'b', 'live']);
      expect(kit.caughtUp).to.deep.equal([subscriber]);
    });

    it('drops the client as slow when the history evicted what it still had to replay', () => {
      const history = new EventHistory(3, 1 << 30);
      const append = (id: string): void =>
        void history.append((seq) => ({
          seq,
          id,
          topic: 'broadcast',
          private: false,
          frame: frame(id, 40 * KIB),
          conflatable: false,
        }));
      ['e1', 'e2', 'e3'].forEach(append);
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new HistoryReplay(history, audience(), 0, 3)], 0);
      expect(names(sink)).to.deep.equal(['e1', 'e2']);
      ['e4', 'e5', 'e6'].forEach(append);
      sink.drain(0);
      expect(kit.dropsOf(subscriber)).to.deep.equal(['slow']);
      expect(names(sink)).to.deep.equal(['e1', 'e2']);
    });

    it('drops the client with replay-failed when its source fails', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new ScriptedSource([{ kind: 'failed' }])]);
      expect(kit.dropsOf(subscriber)).to.deep.equal(['replay-failed']);
      expect(sink.closeReasons).to.deep.equal(['replay-failed']);
    });

    it('drops the client, reporting the bug, when its sink throws', () => {
      const kit = new CatchUpKit();
      const source = new ScriptedSource([{ kind: 'wait' }, { kind: 'frames', frames: [frame('a')], events: 1 }]);
      const { sink, subscriber } = kit.replaying([source]);
      sink.write = () => {
        throw new Error('sink bug (fake)');
      };
      source.ready();
      expect(kit.failures).to.have.length(1);
      expect(kit.dropsOf(subscriber)).to.deep.equal(['slow']);
    });

    it('forgets a client whose sink is closed, without a reason', () => {
      const kit = new CatchUpKit();
      const source = new ScriptedSource([{ kind: 'wait' }, { kind: 'frames', frames: [frame('a')], events: 1 }]);
      const { sink, subscriber } = kit.replaying([source]);
      sink.close('shutdown');
      source.ready();
      expect(kit.dropsOf(subscriber)).to.deep.equal([undefined]);
      expect(kit.catchUp.size).to.equal(0);
    });

    it('closes the sources of a client it forgets, and writes nothing more to it', () => {
      const kit = new CatchUpKit();
      const source = new ScriptedSource([{ kind: 'frames', frames: [frame('a', 64 * KIB)], events: 1 }]);
      const { sink, subscriber } = kit.replaying([source, new FramesReplay([frame('b')], 1)], 0);
      kit.catchUp.remove(subscriber);
      sink.drain();
      expect(source.closed).to.equal(true);
      expect(names(sink)).to.deep.equal(['a']);
      expect(kit.catchUp.size).to.equal(0);
    });

    it('drops the client as expired instead of writing once its token has expired', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.replaying([new FramesReplay(framesOf(100, KIB), 100)], 0, 5_000);
      kit.now = 5_000;
      sink.drain(0);
      expect(kit.dropsOf(subscriber)).to.deep.equal(['expired']);
      expect(sink.rawFrames).to.have.length(1);
    });
  });

  describe('a client that fell behind', () => {
    it('gets what was pushed meanwhile once its transport has flushed, then is caught up', () => {
      const kit = new CatchUpKit();
      const { sink, subscriber } = kit.fallenBehind(100);
      kit.catchUp.push(subscriber, frame('e1'));
      kit.catchUp.push(subscriber, frame('e2'));
      expect(names(sink)).to.deep.equal(['live']);
      sink.drain();
      expect(names(sink)).to.deep.equal(['live', 'e1', 'e2']);
      expect(kit.caughtUp).to.deep.equal([subscriber]);
      expect(kit.catchUp.size).to.equal(0);
    });
  });
});
