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
    source.start((q) => passed.push(q));
  });

  it('passes the first quote of each pair', () => {
    inner.emit(quote());
    inner.emit(quote({ base: 'ETH', rate: 2_900 }));
    expect(passed.map((q) => q.base)).to.deep.equal(['BTC', 'ETH']);
  });

  it('drops an unchanged rate within the heartbeat, even with a newer time', () => {
    inner.emit(quote());
    clock.advance(999);
    inner.emit(quote({ time: '2025-01-02T03:04:06.000Z' }));
    expect(passed).to.have.length(1);
  });

  it('passes a changed rate at once', () => {
    inner.emit(quote());
    clock.advance(1);
    inner.emit(quote({ rate: 87_123.46 }));
    inner.emit(quote({ rate: 87_123.45 }));
    expect(passed.map((q) => q.rate)).to.deep.equal([87_123.45, 87_123.46, 87_123.45]);
  });

  it('passes the unchanged rate again once the heartbeat is due, with its new time, then waits again', () => {
    inner.emit(quote());
    clock.advance(1_000);
    inner.emit(quote({ time: '2025-01-02T03:04:06.000Z' }));
    clock.advance(500);
    inner.emit(quote());
    expect(passed.map((q) => q.time)).to.deep.equal(['2025-01-02T03:04:05.000Z', '2025-01-02T03:04:06.000Z']);
  });

  it('keeps pairs apart', () => {
    inner.emit(quote({ base: 'BTC', rate: 5 }));
    inner.emit(quote({ base: 'ETH', rate: 5 }));
    inner.emit(quote({ base: 'BTC', rate: 5 }));
    expect(passed.map((q) => q.base)).to.deep.equal(['BTC', 'ETH']);
  });

  it('forgets on stop, and passes readiness and stop through', async () => {
    inner.emit(quote());
    expect(source.readiness()).to.deep.equal({ ready: true });
    await source.stop();
    expect(inner.stops).to.equal(1);
    expect(source.readiness().ready).to.equal(false);
    source.start((q) => passed.push(q));
    inner.emit(quote());
    expect(passed).to.have.length(2);
  });

  it('has a 30 s heartbeat in production', () => {
    expect(RATE_HEARTBEAT_MS).to.equal(30_000);
  });
});
