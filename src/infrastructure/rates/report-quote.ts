import type { FeedReport } from '../../application/rate-feed';
import { pairText } from '../../domain/rate';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';

/** Logs and counts a quote that could not be published (a fetch error in SPEC.md's terms). */
export const reportQuote =
  (logger: Logger, metrics: Metrics): FeedReport =>
  (quote, outcome) => {
    if (outcome.ok) return;
    const reason = outcome.error.code === 'bus-unavailable' ? 'bus-unavailable' : 'invalid-quote';
    metrics.rateFetchErrors.inc({ reason });
    logger.warn({ pair: pairText(quote), reason, detail: outcome.error.message }, 'rate not published');
  };
