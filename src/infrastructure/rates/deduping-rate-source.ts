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

interface Offer {
  readonly pair: string;
  readonly rate: number;
  readonly at: number;
  readonly seq: number;
}

/**
 * Per pair: the newest quote the bus accepted, and the newest one still being
 * published. A quote in flight counts (a poll meanwhile must not send it twice);
 * a refused one stops counting, so the next poll offers the rate again.
 */
class Ledger {
  private readonly accepted = new Map<string, Offer>();
  private readonly inFlight = new Map<string, Offer>();
  private seq = 0;

  /** The offer to publish, or undefined if `rate` repeats the pair's newest one within `heartbeatMs`. */
  offer(pair: string, rate: number, now: number, heartbeatMs: number): Offer | undefined {
    const newest = this.inFlight.get(pair) ?? this.accepted.get(pair);
    if (newest?.rate === rate && now - newest.at < heartbeatMs) return undefined;
    const offer = { pair, rate, at: now, seq: (this.seq += 1) };
    this.inFlight.set(pair, offer);
    return offer;
  }

  settle(offer: Offer, published: boolean): void {
    if (this.inFlight.get(offer.pair) === offer) this.inFlight.delete(offer.pair);
    // An older quote confirmed late must not replace a newer one already accepted.
    const accepted = this.accepted.get(offer.pair);
    if (published && offer.seq > (accepted?.seq ?? 0)) this.accepted.set(offer.pair, offer);
  }
}

/**
 * Wraps a RateSource so that a quote goes on only when its pair's rate
 * differs from the last one the bus accepted, or when that was `heartbeatMs`
 * ago or more (a heartbeat: the same rate with its new time). A source that
 * stops answering sends no heartbeat, so a stale rate is never re-announced;
 * a quote the bus refused (RabbitMQ down) is not counted, so the same rate
 * goes out at the first poll after recovery.
 */
export class DedupingRateSource implements RateSource {
  private ledger = new Ledger();

  constructor(
    private readonly inner: RateSource,
    private readonly heartbeatMs: number,
    private readonly clock: Clock,
  ) {}

  start(onQuote: QuoteHandler): void {
    const ledger = this.ledger;
    this.inner.start(async (quote) => {
      const offer = ledger.offer(pairText(quote), quote.rate, this.clock.now(), this.heartbeatMs);
      if (offer === undefined) return false;
      let published = false;
      try {
        published = await onQuote(quote);
      } finally {
        ledger.settle(offer, published);
      }
      return published;
    });
  }

  /** Stops the inner source and forgets every pair (a publish still in flight settles into the old ledger). */
  async stop(): Promise<void> {
    await this.inner.stop();
    this.ledger = new Ledger();
  }

  readiness(): Readiness {
    return this.inner.readiness();
  }
}
