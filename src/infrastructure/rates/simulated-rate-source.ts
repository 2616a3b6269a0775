import type { QuoteHandler, RateSource } from '../../application/ports/rate-source.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import type { Clock } from '../../application/ports/clock.port';
import { pairText, type CurrencyPair } from '../../domain/rate';

/** Where each walk starts: late-2025 prices, so the dashboard looks like the real thing. */
const START_PRICES: Readonly<Record<string, number>> = {
  'BTC/USD': 87_000,
  'BTC/EUR': 75_000,
  'ETH/USD': 2_900,
  'ETH/EUR': 2_500,
  'ETH/BTC': 0.033,
  'SOL/USD': 130,
  'XRP/USD': 2,
  'LTC/USD': 80,
  'DOGE/USD': 0.15,
};
const DEFAULT_PRICE = 100;
/** Standard deviation of one step's log return, and the pull back towards the start price. */
const VOLATILITY = 0.0006;
const REVERSION = 0.002;

/**
 * A geometric random walk per pair that drifts back towards its start price,
 * one quote per pair every interval (the first at once, so a new page has data).
 */
export class SimulatedRateSource implements RateSource {
  private timer: NodeJS.Timeout | undefined;
  private readonly prices = new Map<string, number>();

  constructor(
    private readonly pairs: readonly CurrencyPair[],
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {
    for (const pair of pairs) this.prices.set(pairText(pair), START_PRICES[pairText(pair)] ?? DEFAULT_PRICE);
  }

  start(onQuote: QuoteHandler): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      const time = new Date(this.clock.now()).toISOString();
      for (const pair of this.pairs) void onQuote({ ...pair, rate: this.step(pair), time, source: 'simulated' });
    };
    this.timer = setInterval(tick, this.intervalMs);
    tick();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  readiness(): Readiness {
    return this.timer === undefined ? { ready: false, reason: 'simulated rates are stopped' } : READY;
  }

  private step(pair: CurrencyPair): number {
    const key = pairText(pair);
    const start = START_PRICES[key] ?? DEFAULT_PRICE;
    const price = this.prices.get(key) ?? start;
    const next = price * Math.exp(VOLATILITY * this.gaussian() - REVERSION * Math.log(price / start));
    this.prices.set(key, next);
    return Number(next.toPrecision(10));
  }

  /** Box-Muller: a standard normal sample from two uniform ones. */
  private gaussian(): number {
    const u = Math.max(this.random(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }
}
