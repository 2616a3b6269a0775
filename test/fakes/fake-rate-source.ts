import type { QuoteHandler, RateSource } from '../../src/application/ports/rate-source.port';
import { READY, type Readiness } from '../../src/application/ports/readiness';
import type { RateQuote } from '../../src/domain/rate';

/** A RateSource that produces quotes only when the test calls `emit`. */
export class FakeRateSource implements RateSource {
  private handler: QuoteHandler | undefined;
  starts = 0;
  stops = 0;

  get running(): boolean {
    return this.handler !== undefined;
  }

  start(onQuote: QuoteHandler): void {
    this.starts += 1;
    this.handler = onQuote;
  }

  stop(): Promise<void> {
    this.stops += 1;
    this.handler = undefined;
    return Promise.resolve();
  }

  readiness(): Readiness {
    return this.running ? READY : { ready: false, reason: 'fake source stopped' };
  }

  /** Hands `quote` to the started feed (resolves with whether it was published); throws if nobody started the source. */
  emit(quote: RateQuote): Promise<boolean> {
    if (this.handler === undefined) throw new Error('FakeRateSource.emit before start');
    return this.handler(quote);
  }
}

/** A valid BTC/USD quote; override any field. */
export const quote = (overrides: Partial<RateQuote> = {}): RateQuote => ({
  base: 'BTC',
  quote: 'USD',
  rate: 87_123.45,
  time: '2025-01-02T03:04:05.000Z',
  source: 'coinapi',
  ...overrides,
});
