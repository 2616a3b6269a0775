import { expect } from 'chai';
import { EventHistory } from '../../../src/domain/event-history';
import { Chain, FramesReplay, HistoryReplay, SCAN_STEP, type ReplayStep } from '../../../src/domain/replay-source';
import { audience } from './broker-kit';
import { frame, ScriptedSource } from './catch-up-kit';

const decoder = new TextDecoder();
/** A step with its frames as names, so steps compare plainly. */
const read = (step: ReplayStep): unknown =>
  step.kind === 'frames' ? { ...step, frames: step.frames.map((f) => decoder.decode(f).replace(/\.*\|$/, '')) } : step;

function historyOf(entries: [id: string, topic: string, isPrivate?: boolean][], capacity = 10): EventHistory {
  const history = new EventHistory(capacity, Math.max(1 << 20, capacity * 200));
  for (const [id, topic, isPrivate] of entries) {
    history.append((seq) => ({
      seq,
      id,
      topic,
      private: isPrivate ?? false,
      frame: frame(id, 100),
      conflatable: false,
    }));
  }
  return history;
}

describe('FramesReplay', () => {
  it('gives its frames about budget bytes at a time, counting the leading control frames apart', () => {
    const replay = new FramesReplay([frame('reset', 100), frame('e1', 100), frame('e2', 100)], 2);
    expect(read(replay.next(150))).to.deep.equal({ kind: 'frames', frames: ['reset', 'e1'], events: 1 });
    expect(read(replay.next(150))).to.deep.equal({ kind: 'frames', frames: ['e2'], events: 1 });
    expect(replay.next(150)).to.deep.equal({ kind: 'done' });
  });

  it('gives at least one frame whatever the budget, and nothing once closed', () => {
    const replay = new FramesReplay([frame('e1', 100), frame('e2', 100)], 2);
    expect(read(replay.next(0))).to.deep.equal({ kind: 'frames', frames: ['e1'], events: 1 });
    replay.close();
    expect(replay.next(1000)).to.deep.equal({ kind: 'done' });
  });
});

describe('HistoryReplay', () => {
  it('gives the entries from one seq up to another that the audience sees, in order', () => {
    const history = historyOf([
      ['e1', 'a'],
      ['e2', 'b'],
      ['e3', 'a', true],
      ['e4', 'a'],
      ['e5', 'a'],
    ]);
    const replay = new HistoryReplay(history, audience(['a']), 0, 4);
    expect(read(replay.next(1 << 20))).to.deep.equal({ kind: 'frames', frames: ['e1', 'e4'], events: 2 });
    expect(replay.next(1 << 20)).to.deep.equal({ kind: 'done' });
  });

  it('stops once the budget is reached and goes on from there', () => {
    const history = historyOf([
      ['e1', 'a'],
      ['e2', 'a'],
      ['e3', 'a'],
    ]);
    const replay = new HistoryReplay(history, audience(), 0, 3);
    expect(read(replay.next(150))).to.deep.equal({ kind: 'frames', frames: ['e1', 'e2'], events: 2 });
    expect(read(replay.next(150))).to.deep.equal({ kind: 'frames', frames: ['e3'], events: 1 });
  });

  it('says lost once the history has evicted an entry it still had to give', () => {
    const history = historyOf(
      [
        ['e1', 'a'],
        ['e2', 'a'],
        ['e3', 'a'],
      ],
      3,
    );
    const replay = new HistoryReplay(history, audience(), 0, 3);
    expect(read(replay.next(100))).to.deep.equal({ kind: 'frames', frames: ['e1'], events: 1 });
    history.append((seq) => ({ seq, id: 'e4', topic: 'a', private: false, frame: frame('e4'), conflatable: false }));
    history.append((seq) => ({ seq, id: 'e5', topic: 'a', private: false, frame: frame('e5'), conflatable: false }));
    expect(replay.next(100)).to.deep.equal({ kind: 'lost' });
  });

  describe('over a long history its audience sees little of', () => {
    // One event on `b` at each end of 2.5 steps' worth of `a`: the audience (b) sees two entries.
    const size = Math.floor(SCAN_STEP * 2.5);
    const long = (): EventHistory =>
      historyOf(
        Array.from({ length: size }, (_, n): [string, string] => [`e${n}`, n === 0 || n === size - 1 ? 'b' : 'a']),
        size,
      );
    /** Counts how many entries each step looks at. */
    const counted = (): { seen: ReturnType<typeof audience>; looks: () => number } => {
      const seen = audience(['b']);
      let looks = 0;
      const sees = seen.sees.bind(seen);
      seen.sees = (topic, isPrivate) => ((looks += 1), sees(topic, isPrivate));
      return { seen, looks: () => looks };
    };

    it('looks at no more than SCAN_STEP entries per step, waiting between steps, and gives all it sees', async () => {
      const history = long();
      const { seen, looks } = counted();
      const replay = new HistoryReplay(history, seen, history.oldestSeq, history.nextSeq);
      const steps: unknown[] = [];
      let before = 0;
      for (let step = replay.next(1 << 20); step.kind !== 'done'; step = replay.next(1 << 20)) {
        expect(looks() - before).to.be.at.most(SCAN_STEP);
        before = looks();
        steps.push(read(step));
        if (step.kind === 'wait') await new Promise<void>((resolve) => replay.whenReady(resolve));
      }
      expect(steps).to.deep.equal([
        { kind: 'frames', frames: ['e0'], events: 1 },
        { kind: 'wait' },
        { kind: 'frames', frames: [`e${size - 1}`], events: 1 },
      ]);
    });

    it('gives a rewind whose oldest entries went while it waited what is left, not a loss', () => {
      // Exactly one step back to the oldest entry: the rewind's start is found as the step runs out.
      const history = historyOf(
        Array.from({ length: SCAN_STEP }, (_, n): [string, string] => [
          `e${n}`,
          n === 0 || n === SCAN_STEP - 1 ? 'b' : 'a',
        ]),
        SCAN_STEP,
      );
      const replay = HistoryReplay.rewind(history, audience(['b']), 2, history.nextSeq);
      expect(replay.next(1 << 20).kind).to.equal('wait');
      for (let n = 0; n < 10; n += 1) {
        history.append((seq) => ({
          seq,
          id: `late${n}`,
          topic: 'a',
          private: false,
          frame: frame('x', 100),
          conflatable: false,
        }));
      }
      expect(read(replay.next(1 << 20))).to.deep.equal({ kind: 'frames', frames: [`e${SCAN_STEP - 1}`], events: 1 });
    });

    it('finds the start of a rewind a step at a time too', async () => {
      const history = long();
      const { seen, looks } = counted();
      const replay = HistoryReplay.rewind(history, seen, 2, history.nextSeq);
      const frames: unknown[] = [];
      let waits = 0;
      let before = 0;
      for (let step = replay.next(1 << 20); step.kind !== 'done'; step = replay.next(1 << 20)) {
        expect(looks() - before).to.be.at.most(SCAN_STEP);
        before = looks();
        if (step.kind === 'wait') {
          waits += 1;
          await new Promise<void>((resolve) => replay.whenReady(resolve));
        } else frames.push(read(step));
      }
      expect(waits, 'two while seeking back, one while playing forward').to.equal(3);
      expect(frames.flatMap((f) => (f as { frames: string[] }).frames)).to.deep.equal(['e0', `e${size - 1}`]);
    });
  });

  it('is done at once for an empty range, and once closed', () => {
    const history = historyOf([['e1', 'a']]);
    expect(new HistoryReplay(history, audience(), 1, 1).next(100)).to.deep.equal({ kind: 'done' });
    const closed = new HistoryReplay(history, audience(), 0, 1);
    closed.close();
    expect(closed.next(100)).to.deep.equal({ kind: 'done' });
  });
});

describe('Chain', () => {
  it('plays its sources one after the other, closing each as it finishes', () => {
    const first = new ScriptedSource([{ kind: 'frames', frames: [frame('a')], events: 1 }]);
    const second = new ScriptedSource([{ kind: 'frames', frames: [frame('b')], events: 1 }]);
    const chain = new Chain([first, second]);
    expect(read(chain.next(100))).to.deep.equal({ kind: 'frames', frames: ['a'], events: 1 });
    expect(read(chain.next(100))).to.deep.equal({ kind: 'frames', frames: ['b'], events: 1 });
    expect(first.closed).to.equal(true);
    expect(chain.next(100)).to.deep.equal({ kind: 'done' });
    expect(second.closed).to.equal(true);
  });

  it('passes on wait, lost and failed from the source it is at, and asks that one for readiness', () => {
    const waiting = new ScriptedSource([{ kind: 'wait' }, { kind: 'lost' }, { kind: 'failed' }]);
    const after = new ScriptedSource([]);
    const chain = new Chain([waiting, after]);
    expect(chain.next(100)).to.deep.equal({ kind: 'wait' });
    let ready = 0;
    chain.whenReady(() => (ready += 1));
    waiting.ready();
    expect(ready).to.equal(1);
    expect(chain.next(100)).to.deep.equal({ kind: 'lost' });
    expect(chain.next(100)).to.deep.equal({ kind: 'failed' });
  });

  it('closes every source left when it is closed', () => {
    const sources = [new ScriptedSource([]), new ScriptedSource([])];
    new Chain([...sources]).close();
    expect(sources.map((s) => s.closed)).to.deep.equal([true, true]);
  });
});
