import { expect } from 'chai';
import { EventHistory } from '../../../src/domain/event-history';

interface Entry {
  readonly id: string;
  readonly n: number;
}

const entry = (n: number): Entry => ({ id: `e${n}`, n });

const filled = (capacity: number, count: number): EventHistory<Entry> => {
  const history = new EventHistory<Entry>(capacity);
  for (let n = 1; n <= count; n += 1) history.append(entry(n));
  return history;
};

const ids = (entries: readonly Entry[]): string[] => entries.map((e) => e.id);

describe('EventHistory', () => {
  it('returns exactly the entries after a held id, oldest first', () => {
    const history = filled(10, 5);
    expect(history.after('e2')).to.deep.equal({ found: true, entries: [entry(3), entry(4), entry(5)] });
  });

  it('returns nothing after the newest id', () => {
    expect(filled(10, 5).after('e5')).to.deep.equal({ found: true, entries: [] });
  });

  it('returns the very entry objects that were appended', () => {
    const history = new EventHistory<Entry>(2);
    const first = entry(1);
    const second = entry(2);
    history.append(first);
    history.append(second);
    expect(history.after('e1').entries[0]).to.equal(second);
  });

  it('answers found false and the whole history for an id it never saw', () => {
    expect(filled(10, 3).after('nope')).to.deep.equal({ found: false, entries: [entry(1), entry(2), entry(3)] });
  });

  it('evicts the oldest entries once full (capacity 3, 5 appends)', () => {
    const history = filled(3, 5);
    expect(history.size).to.equal(3);
    expect(ids(history.after('nope').entries)).to.deep.equal(['e3', 'e4', 'e5']);
    expect(history.has('e1')).to.equal(false);
    expect(history.has('e2')).to.equal(false);
    expect(history.has('e3')).to.equal(true);
  });

  it('answers found false and the whole history after an evicted id', () => {
    const history = filled(3, 5);
    expect(history.after('e2')).to.deep.equal({ found: false, entries: [entry(3), entry(4), entry(5)] });
  });

  it('replays across the wrap-around point in order', () => {
    const history = filled(3, 5);
    expect(ids(history.after('e3').entries)).to.deep.equal(['e4', 'e5']);
    history.append(entry(6));
    history.append(entry(7));
    expect(ids(history.after('e5').entries)).to.deep.equal(['e6', 'e7']);
  });

  it('keeps order and lookups right after many wraps', () => {
    const history = filled(7, 1000);
    expect(ids(history.after('e995').entries)).to.deep.equal(['e996', 'e997', 'e998', 'e999', 'e1000']);
    expect(history.has('e993')).to.equal(false);
    expect(history.has('e994')).to.equal(true);
  });

  it('holds nothing with capacity 0', () => {
    const history = filled(0, 3);
    expect(history.size).to.equal(0);
    expect(history.has('e3')).to.equal(false);
    expect(history.after('e3')).to.deep.equal({ found: false, entries: [] });
  });

  it('holds nothing before the first append', () => {
    const history = new EventHistory<Entry>(3);
    expect(history.size).to.equal(0);
    expect(history.after('e1')).to.deep.equal({ found: false, entries: [] });
  });

  it('knows which ids it holds', () => {
    const history = filled(3, 2);
    expect(history.has('e1')).to.equal(true);
    expect(history.has('e2')).to.equal(true);
    expect(history.has('e3')).to.equal(false);
  });
});
