import { expect } from 'chai';
import type { Entry } from '../../../src/domain/entry';
import { EventHistory } from '../../../src/domain/event-history';

const entryMaker =
  (id: string, bytes = 10) =>
  (seq: number): Entry => ({
    seq,
    id,
    topic: 'broadcast',
    private: false,
    frame: new Uint8Array(bytes),
    conflatable: false,
  });

function filled(capacity: number, count: number, maxBytes = 1 << 20, bytes = 10): EventHistory {
  const history = new EventHistory(capacity, maxBytes);
  for (let n = 1; n <= count; n += 1) history.append(entryMaker(`e${n}`, bytes));
  return history;
}

/** The ids held, oldest first, read by seq. */
function held(history: EventHistory): string[] {
  const out: string[] = [];
  for (let seq = history.oldestSeq; seq < history.nextSeq; seq += 1) out.push(history.at(seq)?.id ?? '?');
  return out;
}

describe('EventHistory', () => {
  it('gives each appended entry the next seq, from 0, and returns it', () => {
    const history = new EventHistory(10, 1 << 20);
    const first = history.append(entryMaker('e1'));
    const second = history.append(entryMaker('e2'));
    expect([first.seq, second.seq]).to.deep.equal([0, 1]);
    expect(history.at(1)).to.equal(second);
    expect([history.oldestSeq, history.nextSeq, history.size]).to.deep.equal([0, 2, 2]);
  });

  it('finds the seq of an id it holds, and nothing for another', () => {
    const history = filled(10, 3);
    expect(history.seqOf('e2')).to.equal(1);
    expect(history.has('e3')).to.equal(true);
    expect(history.seqOf('nope')).to.equal(undefined);
    expect(history.has('nope')).to.equal(false);
  });

  it('evicts the oldest entries past its count bound', () => {
    const history = filled(3, 5);
    expect(held(history)).to.deep.equal(['e3', 'e4', 'e5']);
    expect([history.oldestSeq, history.nextSeq, history.size]).to.deep.equal([2, 5, 3]);
    expect(history.has('e2')).to.equal(false);
    expect(history.at(1)).to.equal(undefined);
  });

  it('evicts the oldest entries past its bytes bound', () => {
    const history = filled(100, 5, 35, 10);
    expect(held(history)).to.deep.equal(['e3', 'e4', 'e5']);
    history.append(entryMaker('big', 30));
    expect(held(history)).to.deep.equal(['big']);
  });

  it('holds nothing of an entry larger than its bytes bound, and still counts its seq', () => {
    const history = new EventHistory(10, 20);
    const huge = history.append(entryMaker('huge', 21));
    expect(huge.seq).to.equal(0);
    expect([history.size, history.nextSeq]).to.deep.equal([0, 1]);
    expect(history.has('huge')).to.equal(false);
  });

  it('holds nothing with capacity 0, but numbers the entries on', () => {
    const history = filled(0, 3);
    expect([history.size, history.oldestSeq, history.nextSeq]).to.deep.equal([0, 3, 3]);
    expect(history.has('e3')).to.equal(false);
    expect(history.at(2)).to.equal(undefined);
  });

  it('answers nothing for a seq not yet appended', () => {
    const history = filled(10, 2);
    expect(history.at(2)).to.equal(undefined);
    expect(history.at(-1)).to.equal(undefined);
  });

  it('keeps order, lookups and seq access right after many wraps', () => {
    const history = filled(7, 1000);
    expect(held(history)).to.deep.equal(['e994', 'e995', 'e996', 'e997', 'e998', 'e999', 'e1000']);
    expect(history.seqOf('e994')).to.equal(993);
    expect(history.has('e993')).to.equal(false);
  });
});
