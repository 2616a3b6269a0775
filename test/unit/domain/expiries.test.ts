import { expect } from 'chai';
import { EXPIRY_WARNING_MS, Expiries } from '../../../src/domain/expiries';
import { Subscriber } from '../../../src/domain/subscriber';
import { RecordingSink } from '../../fakes/recording-sink';
import { audience } from './broker-kit';

const subscriber = (): Subscriber => new Subscriber(audience(), new RecordingSink());

describe('Expiries', () => {
  it('warns 30 s before exp and closes at exp', () => {
    const expiries = new Expiries();
    const one = subscriber();
    expiries.add(one, 100_000, 0);
    expect(EXPIRY_WARNING_MS).to.equal(30_000);
    expect(expiries.due(69_999)).to.deep.equal([]);
    expect(expiries.due(70_000)).to.deep.equal([{ at: 70_000, subscriber: one, kind: 'warn' }]);
    expect(expiries.due(99_999)).to.deep.equal([]);
    expect(expiries.due(100_000)).to.deep.equal([{ at: 100_000, subscriber: one, kind: 'close' }]);
    expect(expiries.size).to.equal(0);
  });

  it('warns at once when less than 30 s is left', () => {
    const expiries = new Expiries();
    const one = subscriber();
    expiries.add(one, 10_000, 0);
    expect(expiries.due(0).map((d) => d.kind)).to.deep.equal(['warn']);
  });

  it('gives what is due earliest first, whatever the order of adding', () => {
    const expiries = new Expiries();
    const times = [500, 90, 310, 45, 999, 45, 120, 77, 260, 640, 33, 410];
    const subscribers = times.map((exp) => {
      const one = subscriber();
      expiries.add(one, exp * 1000, exp * 1000);
      return one;
    });
    const due = expiries.due(Number.MAX_SAFE_INTEGER).filter((d) => d.kind === 'close');
    expect(due.map((d) => d.at)).to.deep.equal([...times].sort((a, b) => a - b).map((t) => t * 1000));
    expect(new Set(due.map((d) => d.subscriber))).to.deep.equal(new Set(subscribers));
  });

  it('skips the entries of streams that ended', () => {
    const expiries = new Expiries();
    const [ended, alive] = [subscriber(), subscriber()];
    expiries.add(ended, 100_000, 0);
    expiries.add(alive, 100_000, 0);
    ended.closed = true;
    expect(expiries.due(100_000).map((d) => [d.subscriber === alive, d.kind])).to.deep.equal([
      [true, 'warn'],
      [true, 'close'],
    ]);
  });

  it('sweeps out the entries of ended streams once they are most of the heap', () => {
    const expiries = new Expiries();
    const all = Array.from({ length: 10 }, () => subscriber());
    all.forEach((one, i) => expiries.add(one, 100_000 + i, 0));
    for (const one of all.slice(0, 6)) {
      one.closed = true;
      expiries.forget();
    }
    expect(expiries.size).to.equal(8);
    expect(
      expiries
        .due(200_000)
        .filter((d) => d.kind === 'close')
        .map((d) => all.indexOf(d.subscriber)),
    ).to.deep.equal([6, 7, 8, 9]);
  });
});
