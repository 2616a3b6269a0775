import type { Clock } from '../../application/ports/clock.port';
import type { QuoteHandler, RateSource } from '../../application/ports/rate-source.port';
import type { Readiness } from '../../application/ports/readiness';
import { pairText } from '../../domain/rate';

/**
 * How often an unchanged rate is published again. Long enough that a flat
 * market costs each subscriber one event per pair per 30 s instead of one per
 * poll; short enough that a page opened without Last-Event-ID shows every
 * pair within 30 s, and that a consumer can treat a pair silent for longer
 * than 30 s plus the interval as stale.
 */
export const RATE_HEARTBEAT_MS = 30_000;

/**
 * Wraps a RateSource so that a quote goes on only when its pair's rate
 * differs from the last one published, or when that was `heartbeatMs` ago or
 * more (a heartbeat: the same rate with its new time). A source that stops
 * answering sends no heartbeat, so a stale rate is never re-announced.
 */
export class DedupingRateSource implements RateSource {
  private readonly last = new Map<string, { readonly rate: number; readonly at: number }>();

  constructor(
    private readonly inner: RateSource,
    private readonly heartbeatMs: number,
    private readonly clock: Clock,
  ) {}

  start(onQuote: QuoteHandler): void {
    this.inner.start(async (quote) => {
      const key = pairText(quote);
      const now = this.clock.now();
      const previous = this.last.get(key);
      if (previous?.rate === quote.rate && now - previous.at < this.heartbeatMs) return false;
      // Only a published quote counts: one the bus refused is offered again at the next poll.
      const published = await onQuote(quote);
      if (published) this.last.set(key, { rate: quote.rate, at: now });
      return published;
    });
  }

  async stop(): Promise<void> {
    await this.inner.stop();
    this.last.clear();
  }

  readiness(): Readiness {
    return this.inner.readiness();
  }
}
