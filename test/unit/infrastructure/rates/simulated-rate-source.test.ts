import { expect } from 'chai';
import { mock } from 'node:test';
import type { RateQuote } from '../../../../src/domain/rate';
import { SimulatedRateSource } from '../../../../src/infrastructure/rates/simulated-rate-source';
import { FixedClock } from '../../../fakes/fixed-clock';

const PAIRS = [
  { base: 'BTC', quote: 'USD' },
  { base: 'ETH', quote: 'USD' },
];
const INTERVAL_MS = 100;

describe('SimulatedRateSource', () => {
  let clock: FixedClock;
  let source: SimulatedRateSource;
  let quotes: RateQuote[];

  // The interval runs on Node's mock timers: the cadence is checked exactly, and never against the wall clock.
  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval'] });
    clock = new FixedClock();
    quotes = [];
    source = new SimulatedRateSource(PAIRS, INTERVAL_MS, clock);
  });

  afterEach(async () => {
    await source.stop();
    mock.timers.reset();
  });

  it('emits one quote per pair as soon as it starts', () => {
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    expect(quotes.map((q) => `${q.base}/${q.quote}`)).to.deep.equal(['BTC/USD', 'ETH/USD']);
  });

  it('emits one quote per pair every interval', () => {
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    mock.timers.tick(INTERVAL_MS - 1);
    expect(quotes, 'nothing before the interval is up').to.have.length(2);
    mock.timers.tick(1);
    expect(quotes).to.have.length(4);
    mock.timers.tick(INTERVAL_MS);
    expect(quotes.map((q) => q.base)).to.deep.equal(['BTC', 'ETH', 'BTC', 'ETH', 'BTC', 'ETH']);
  });

  it('stamps quotes with the source simulated and the clock time in ISO 8601', () => {
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    clock.advance(1500);
    mock.timers.tick(INTERVAL_MS);
    expect(quotes.map((q) => q.source)).to.deep.equal(['simulated', 'simulated', 'simulated', 'simulated']);
    expect(quotes[0]?.time).to.equal('2025-01-02T03:04:05.000Z');
    expect(quotes[2]?.time).to.equal('2025-01-02T03:04:06.500Z');
  });

  it('emits finite positive rates near the start price, even from extreme random draws', () => {
    for (const random of [() => 0, () => 0.999999, Math.random]) {
      const extreme = new SimulatedRateSource([{ base: 'XYZ', quote: 'ABC' }, ...PAIRS], 60_000, clock, random);
      const seen: RateQuote[] = [];
      extreme.start((q) => (seen.push(q), Promise.resolve(true)));
      void extreme.stop();
      for (const q of seen) expect(Number.isFinite(q.rate) && q.rate > 0, `${q.base} ${q.rate}`).to.equal(true);
      expect(seen[0]?.rate).to.be.within(90, 110);
      expect(seen[1]?.rate).to.be.within(80_000, 95_000);
    }
  });

  it('stops emitting once stopped', async () => {
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    mock.timers.tick(INTERVAL_MS);
    await source.stop();
    mock.timers.tick(INTERVAL_MS * 3);
    expect(quotes).to.have.length(4);
  });

  it('does not start a second timer when started twice', async () => {
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    expect(quotes).to.have.length(2);
    mock.timers.tick(INTERVAL_MS);
    expect(quotes, 'one timer: one quote per pair per interval').to.have.length(4);
    await source.stop();
    mock.timers.tick(INTERVAL_MS * 2);
    expect(quotes, 'and no timer left after stop').to.have.length(4);
  });

  it('is ready only while running', async () => {
    expect(source.readiness().ready).to.equal(false);
    source.start(() => Promise.resolve(true));
    expect(source.readiness()).to.deep.equal({ ready: true });
    await source.stop();
    expect(source.readiness().ready).to.equal(false);
  });
});
