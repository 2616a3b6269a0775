import { expect } from 'chai';
import { ReplayScan, type Step } from '../../../../src/infrastructure/bus/replay-scan';

const limits = { maxEvents: 100, maxScanBytes: 1_000 };
const kinds = (steps: Step[]): string[] => steps.map((s) => (s.kind === 'yield' && s.last ? 'yield-last' : s.kind));

describe('ReplayScan', () => {
  it('skips up to the id, then yields what follows up to and including the live position', () => {
    const scan = new ReplayScan('c', 13, limits);
    const steps = [
      scan.step(10, 10, 'a'),
      scan.step(11, 10, 'c'),
      scan.step(12, 10, 'd'),
      scan.step(13, 10, 'e'),
      scan.step(14, 10, 'f'),
    ];
    expect(kinds(steps)).to.deep.equal(['skip', 'found', 'yield', 'yield-last', 'end']);
  });

  it('skips probes and malformed messages after the id, and ends on one at the live position', () => {
    const scan = new ReplayScan('c', 13, limits);
    expect(kinds([scan.step(11, 1, 'c'), scan.step(12, 1, undefined), scan.step(13, 1, undefined)])).to.deep.equal([
      'found',
      'skip',
      'end',
    ]);
  });

  it('skips resends at or below the id', () => {
    const scan = new ReplayScan('c', 20, limits);
    scan.step(11, 1, 'c');
    expect(kinds([scan.step(10, 1, 'b'), scan.step(11, 1, 'c'), scan.step(12, 1, 'd')])).to.deep.equal([
      'skip',
      'skip',
      'yield',
    ]);
  });

  it('ends at once when the id is the live position itself', () => {
    expect(kinds([new ReplayScan('c', 11, limits).step(11, 1, 'c')])).to.deep.equal(['end']);
  });

  it('scans on past the live position without the id, and says when it has passed it', () => {
    const scan = new ReplayScan('zz', 12, limits);
    expect(kinds([scan.step(11, 1, 'a')])).to.deep.equal(['skip']);
    expect(scan.beyond).to.equal(false);
    expect(kinds([scan.step(12, 1, 'b')])).to.deep.equal(['skip']);
    expect(scan.beyond).to.equal(true);
  });

  it('answers ahead when the id comes after the live position (the reader is further on than this replica)', () => {
    const scan = new ReplayScan('zz', 12, limits);
    expect(kinds([scan.step(12, 1, 'b'), scan.step(13, 1, 'zz')])).to.deep.equal(['skip', 'ahead']);
  });

  it('answers not-found when more than maxEvents follow the id', () => {
    expect(kinds([new ReplayScan('c', 111, limits).step(10, 1, 'c')]), '101 events').to.deep.equal(['not-found']);
    expect(kinds([new ReplayScan('c', 111, limits).step(11, 1, 'c')]), '100 events').to.deep.equal(['found']);
  });

  it('answers not-found once the scan passes maxScanBytes', () => {
    const scan = new ReplayScan('zz', 1_000, limits);
    expect(kinds([scan.step(0, 600, 'a'), scan.step(1, 400, 'b'), scan.step(2, 1, 'c')])).to.deep.equal([
      'skip',
      'skip',
      'not-found',
    ]);
  });

  it('decides from a known offset before reading: too many, or after the live position', () => {
    expect(new ReplayScan('c', 500, limits, 10).precheck()?.kind).to.equal('not-found');
    expect(new ReplayScan('c', 5, limits, 10).precheck()?.kind, 'seen after the live position').to.equal('ahead');
    expect(new ReplayScan('c', 50, limits, 10).precheck()).to.equal(undefined);
    expect(new ReplayScan('c', 50, limits).precheck()).to.equal(undefined);
    expect(new ReplayScan('c', -1, limits).precheck()?.kind, 'nothing handed on yet').to.equal('not-found');
  });

  it('answers not-found when the known offset is gone (the stream starts after it)', () => {
    const scan = new ReplayScan('c', 50, limits, 10);
    expect(kinds([scan.step(8, 1, 'a'), scan.step(12, 1, 'x')])).to.deep.equal(['skip', 'not-found']);
  });
});
