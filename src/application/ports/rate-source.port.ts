import type { RateQuote } from '../../domain/rate';
import type { Readiness } from './readiness';

/** Takes one quote; resolves true once it was published (the bus accepted it), false otherwise. Never rejects. */
export type QuoteHandler = (quote: RateQuote) => Promise<boolean>;

/** Produces exchange-rate quotes for the configured pairs, on its own schedule. */
export interface RateSource {
  /** Starts producing; every quote goes to `onQuote`. Errors are the source's to log, count and retry, never thrown. */
  start(onQuote: QuoteHandler): void;
  /** Stops producing; resolves when no request or timer is left. */
  stop(): Promise<void>;
  /** Ready while quotes are being obtained (for a fetcher's /readyz). */
  readiness(): Readiness;
}
