import { expect } from 'chai';
import { SequenceLedger } from '../../../test/chaos/sequence-ledger';

const ledgerOf = (seqs: readonly number[]): SequenceLedger => {
  const ledger = new SequenceLedger();
  seqs.forEach((seq, n) => ledger.record(seq, n * 10));
  return ledger;
};

describe('SequenceLedger', () => {
  it('counts nothing wrong for an in-order run with gaps', () => {
    const ledger = ledgerOf([0, 1, 2, 5, 9]);
    expect([ledger.duplicated, ledger.outOfOrder]).to.deep.equal([0, 0]);
    expect(ledger.missing([0, 1, 2, 3, 4, 5])).to.deep.equal([3, 4]);
    expect(ledger.countOf([0, 1, 2, 3, 4, 5])).to.equal(4);
  });

  it('counts an event delivered three times as one duplicated event', () => {
    const ledger = ledgerOf([0, 1, 1, 1, 2]);
    expect(ledger.duplicated).to.equal(1);
    expect(ledger.outOfOrder).to.equal(0);
  });

  it('counts a first arrival below the highest number seen as out of order', () => {
    const ledger = ledgerOf([0, 1, 3, 2, 4]);
    expect(ledger.outOfOrder).to.equal(1);
    expect(ledger.duplicated).to.equal(0);
  });

  it('counts a late copy of an event as a duplicate only, not as out of order', () => {
    const ledger = ledgerOf([0, 1, 2, 3, 1]);
    expect([ledger.duplicated, ledger.outOfOrder]).to.deep.equal([1, 0]);
  });

  it('counts every event of a replayed block that was not had before as out of order', () => {
    // The shape of a `reset` replay: 5 missed, then 3..6 resent after 7 arrived.
    const ledger = ledgerOf([0, 1, 2, 3, 4, 7, 3, 4, 5, 6]);
    expect(ledger.outOfOrder).to.equal(2);
    expect(ledger.duplicated).to.equal(2);
  });

  it('keeps every receive time in arrival order, copies included', () => {
    expect(ledgerOf([0, 0, 1]).times).to.deep.equal([0, 10, 20]);
  });
});
