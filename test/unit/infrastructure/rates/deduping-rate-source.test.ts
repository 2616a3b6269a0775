import { expect } from 'chai';
import type { RateQuote } from '../../../../src/domain/rate';
import { DedupingRateSource, RATE_HEARTBEAT_MS } from '../../../../src/infrastructure/rates/deduping-rate-source';
import { FakeRateSource, quote } from '../../../fakes/fake-rate-source';
import { FixedClock } from '../../../fakes/fixed-clock';

describe('DedupingRateSource', () => {
  let inner: FakeRateSource;
  let clock: FixedClock;
  let source: DedupingRateSource;
  let passed: RateQuote[];

  beforeEach(() => {
    inner = new FakeRateSource();
    clock = new FixedClock();
    source = new DedupingRateSource(inner, 1_000, clock);
    passed = [];
    source.start((q) => (passed.push(q), Promise.resolve(true)));
  });

  it('passes the first quote of each pair', async () => {
    await inner.emit(quote());
    await inner.emit(quote({ base: 'ETH', rate: 2_900 }));
    expect(passed.map((q) => q.base)).to.deep.equal(['BTC', 'ETH']);
  });

  it('drops an unchanged rate within the heartbeat, even with a newer time', async () => {
    await inner.emit(quote());
    clock.advance(999);
    await inner.emit(quote({ time: '2025-01-02T03:04:06.000Z' }));
    expect(passed).to.have.length(1);
  });

  it('passes a changed rate at once', async () => {
    await inner.emit(quote());
    clock.advance(1);
    await inner.emit(quote({ rate: 87_123.46 }));
    await inner.emit(quote({ rate: 87_123.45 }));
    expect(passed.map((q) => q.rate)).to.deep.equal([87_123.45, 87_123.46, 87_123.45]);
  });

  it('passes the unchanged rate again once the heartbeat is due, with its new time, then waits again', async () => {
    await inner.emit(quote());
    clock.advance(1_000);
    await inner.emit(quote({ time: '2025-01-02T03:04:06.000Z' }));
    clock.advance(500);
    await inner.emit(quote());
    expect(passed.map((q) => q.time)).to.deep.equal(['2025-01-02T03:04:05.000Z', '2025-01-02T03:04:06.000Z']);
  });

  it('keeps pairs apart', async () => {
    await inner.emit(quote({ base: 'BTC', rate: 5 }));
    await inner.emit(quote({ base: 'ETH', rate: 5 }));
    await inner.emit(quote({ base: 'BTC', rate: 5 }));
    expect(passed.map((q) => q.base)).to.deep.equal(['BTC', 'ETH']);
  });

  it('forgets on stop, and passes readiness and stop through', async () => {
    await inner.emit(quote());
    expect(source.readiness()).to.deep.equal({ ready: true });
    await source.stop();
    expect(inner.stops).to.equal(1);
    expect(source.readiness().ready).to.equal(false);
    source.start((q) => (passed.push(q), Promise.resolve(true)));
    await inner.emit(quote());
    expect(passed).to.have.length(2);
  });

  it('has a 30 s heartbeat in production', () => {
    expect(RATE_HEARTBEAT_MS).to.equal(30_000);
  });

  it('does not count a quote the bus refused: the same rate goes out again at the next poll', async () => {
    const outcomes = [false, true];
    const published: RateQuote[] = [];
    const innerOf = new FakeRateSource();
    const refusing = new DedupingRateSource(innerOf, 1_000, clock);
    refusing.start((q) => {
      const accepted = outcomes.shift() ?? true;
      if (accepted) published.push(q);
      return Promise.resolve(accepted);
    });
    expect(await innerOf.emit(quote())).to.equal(false);
    clock.advance(10);
    expect(await innerOf.emit(quote()), 'offered again, not withheld for the heartbeat').to.equal(true);
    expect(await innerOf.emit(quote()), 'now it was published: withheld').to.equal(false);
    expect(published).to.have.length(1);
  });

  describe('while the bus has not answered yet', () => {
    /** What the bus was handed, each with the means to answer for it, in any order. */
    let offered: { readonly quote: RateQuote; readonly answer: (published: boolean) => void }[];
    let slowInner: FakeRateSource;

    beforeEach(() => {
      offered = [];
      slowInner = new FakeRateSource();
      new DedupingRateSource(slowInner, 1_000, clock).start(
        (q) => new Promise<boolean>((answer) => offered.push({ quote: q, answer })),
      );
    });

    it('does not send the same rate again while it is still being published', async () => {
      const first = slowInner.emit(quote());
      clock.advance(10);
      const second = slowInner.emit(quote());
      expect(offered, 'handed on once, not once per poll').to.have.length(1);
      expect(await second).to.equal(false);
      offered[0]?.answer(true);
      expect(await first).to.equal(true);
    });

    it('offers the rate again once the bus refuses the one in flight', async () => {
      const first = slowInner.emit(quote());
      offered[0]?.answer(false);
      expect(await first).to.equal(false);
      clock.advance(10);
      const again = slowInner.emit(quote());
      expect(offered, 'offered again at the next poll').to.have.length(2);
      offered[1]?.answer(true);
      expect(await again).to.equal(true);
    });

    it('keeps the newer rate when an older one is confirmed after it', async () => {
      const older = slowInner.emit(quote({ rate: 1 }));
      const newer = slowInner.emit(quote({ rate: 2 }));
      offered[1]?.answer(true);
      offered[0]?.answer(true);
      expect(await Promise.all([older, newer])).to.deep.equal([true, true]);
      clock.advance(10);
      const repeat = slowInner.emit(quote({ rate: 2 }));
      expect(offered, 'the newest accepted rate, repeated, is withheld').to.have.length(2);
      expect(await repeat).to.equal(false);
    });
  });
});
