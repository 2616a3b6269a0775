import { expect } from 'chai';
import { longestSilence, quantile, summarize, type FaultWindow } from '../../../test/chaos/chaos-stats';
import { SequenceLedger } from '../../../test/chaos/sequence-ledger';

/** A ledger from [seq, time] pairs. */
const ledgerOf = (deliveries: readonly (readonly [number, number])[]): SequenceLedger => {
  const ledger = new SequenceLedger();
  for (const [seq, at] of deliveries) ledger.record(seq, at);
  return ledger;
};

const steady = (count: number, every = 10): [number, number][] =>
  Array.from({ length: count }, (_, n) => [n, n * every]);

describe('quantile', () => {
  it('takes the nearest rank', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).to.equal(2);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).to.equal(3);
    expect(quantile([7], 0.5)).to.equal(7);
    expect(quantile([1, 2, 3], 1)).to.equal(3);
  });

  it('is 0 for no values', () => {
    expect(quantile([], 0.5)).to.equal(0);
  });
});

describe('longestSilence', () => {
  const times = [0, 10, 20, 500, 510, 520];

  it('finds the gap that spans the fault', () => {
    expect(longestSilence(times, 100, 200, 1_000)).to.equal(480);
  });

  it('counts a gap that began before the fault and ended inside it', () => {
    expect(longestSilence(times, 400, 600, 1_000)).to.equal(480);
  });

  it('ignores longer gaps that do not touch the fault', () => {
    expect(longestSilence([0, 1_000, 1_010, 1_020, 1_030], 1_012, 1_018, 2_000)).to.equal(10);
  });

  it('runs to the end when nothing came after the fault', () => {
    expect(longestSilence([0, 10, 20], 100, 200, 900)).to.equal(880);
  });

  it('is 0 for a client that got nothing', () => {
    expect(longestSilence([], 0, 10, 100)).to.equal(0);
  });
});

describe('summarize', () => {
  const faults: FaultWindow[] = [
    { kind: 'cut', replica: 0, start: 100, end: 150 },
    { kind: 'kill', replica: 1, start: 300, end: 400 },
  ];

  it('reports a clean run as clean', () => {
    const figures = summarize([0, 1, 2, 3], [ledgerOf(steady(4)), ledgerOf(steady(4))], [], 100);
    expect(figures).to.deep.include({ acknowledged: 4, lostPairs: 0, lostEvents: 0, duplicated: 0, outOfOrder: 0 });
    expect(figures.delivered).to.deep.equal({ min: 4, median: 4, max: 4 });
  });

  it('counts lost client x event pairs and distinct lost events apart', () => {
    const acknowledged = [0, 1, 2, 3, 4];
    const a = ledgerOf([
      [0, 0],
      [1, 10],
      [4, 40],
    ]);
    const b = ledgerOf([
      [0, 0],
      [2, 20],
      [4, 40],
    ]);
    const figures = summarize(acknowledged, [a, b, ledgerOf(steady(5))], [], 100);
    expect(figures.lostPairs).to.equal(4);
    expect(figures.lostEvents).to.equal(3);
    expect(figures.delivered).to.deep.equal({ min: 3, median: 3, max: 5 });
  });

  it('does not count events that were never acknowledged as delivered or lost', () => {
    const figures = summarize([0, 1], [ledgerOf(steady(5))], [], 100);
    expect(figures.delivered.max).to.equal(2);
    expect(figures.lostPairs).to.equal(0);
  });

  it('takes the longest silence of any client per fault, then p50 and max over faults', () => {
    // Client a is silent 90..200 (over the cut, 110); client b 250..450 (over the kill, 200).
    const a = ledgerOf([...steady(10), [10, 200], [11, 300], [12, 400], [13, 500]]);
    const b = ledgerOf([...steady(10), [10, 160], [11, 250], [12, 450], [13, 500]]);
    const figures = summarize([], [a, b], faults, 600);
    expect(figures.pause).to.deep.equal({ p50: 110, max: 200, kill: 200, nodeKills: [] });
  });

  it('lists the pause at each node kill, in the order they struck', () => {
    // Silent 90..300 (the first node kill, 210), then 400..450 (the second, 50).
    const a = ledgerOf([...steady(10), [10, 300], [11, 400], [12, 450], [13, 500]]);
    const nodeKills = [
      { kind: 'node', node: 2, target: 'leader', start: 95, end: 350 },
      { kind: 'node', node: 1, target: 'other', start: 410, end: 420 },
    ] as const;
    const figures = summarize([], [a], nodeKills, 600);
    expect(figures.pause).to.deep.equal({ p50: 50, max: 210, kill: undefined, nodeKills: [210, 50] });
  });

  it('sums duplicates and reorderings over clients', () => {
    const twice = ledgerOf([
      [0, 0],
      [0, 1],
      [2, 2],
      [1, 3],
    ]);
    const figures = summarize([0, 1, 2], [twice, twice], [], 10);
    expect([figures.duplicated, figures.outOfOrder]).to.deep.equal([2, 2]);
    expect(figures.pause.kill).to.equal(undefined);
  });
});
