import type { Clock } from '../../application/ports/clock.port';
import { pairText, type RateQuote } from '../../domain/rate';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
import type { RateRequest } from './coinapi-requests';
import type { FetchProblem } from './fetch-problem';
import { IncidentLog } from './incident-log';
import type { Quota } from './rate-limit-headers';

export type RequestOutcome = 'ok' | 'error' | 'throttled' | 'key-rejected';

const KEY = 'key';
const THROTTLE = 'throttle';
const QUOTA = 'quota';
const requestKey = (request: RateRequest): string => `request ${request.path}`;
const pairKey = (request: RateRequest, quote: string): string => `pair ${request.base}/${quote}`;

/**
 * What the CoinAPI source tells the operator: one metric per request and per
 * fetch error, and one log line when a kind of trouble starts and one when it
 * ends (see IncidentLog). Nothing here ever sees the key.
 */
export class CoinApiReport {
  private readonly incidents: IncidentLog;

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {
    this.incidents = new IncidentLog(logger, clock);
  }

  request(outcome: RequestOutcome): void {
    this.metrics.rateFetches.inc({ outcome });
  }

  quota(quota: Quota, pollEveryMs: number, intervalMs: number): void {
    if (quota.remaining !== undefined) this.metrics.rateQuotaRemaining.set(quota.remaining);
    if (quota.limit !== undefined) this.metrics.rateQuotaLimit.set(quota.limit);
    const fields = { remaining: quota.remaining, limit: quota.limit, pollEveryMs };
    if (pollEveryMs > intervalMs) {
      this.incidents.report(
        QUOTA,
        'warn',
        fields,
        'CoinAPI quota would not last at RATE_INTERVAL_MS: polling less often',
      );
    } else {
      this.incidents.resolve(QUOTA, fields, 'CoinAPI quota suffices again: polling every RATE_INTERVAL_MS');
    }
  }

  /** Valid quotes arrived for `request`: whatever trouble it or the key had is over. */
  delivered(request: RateRequest, quotes: readonly RateQuote[]): void {
    const now = this.clock.now();
    this.incidents.resolve(KEY, {}, 'CoinAPI accepts the key again');
    this.incidents.resolve(THROTTLE, {}, 'CoinAPI no longer throttles');
    this.incidents.resolve(requestKey(request), { path: request.path }, 'CoinAPI answers again');
    for (const quote of quotes) {
      this.metrics.rateLastSuccess.set({ pair: pairText(quote) }, now / 1000);
      this.incidents.resolve(pairKey(request, quote.quote), { pair: pairText(quote) }, 'CoinAPI rate valid again');
    }
  }

  invalidPair(request: RateRequest, quote: string, problem: FetchProblem): void {
    this.metrics.rateFetchErrors.inc({ reason: problem.code });
    const fields = { pair: `${request.base}/${quote}`, reason: problem.code, detail: problem.detail };
    this.incidents.report(pairKey(request, quote), 'warn', fields, 'CoinAPI rate rejected; nothing published');
  }

  failed(request: RateRequest, problem: FetchProblem, retryInMs: number): void {
    this.metrics.rateFetchErrors.inc({ reason: problem.code });
    const fields = { path: request.path, reason: problem.code, detail: problem.detail, retryInMs };
    this.incidents.report(requestKey(request), 'warn', fields, 'CoinAPI request failed; backing off');
  }

  /** A request whose every pair was invalid (each counted by invalidPair) backs off. */
  backingOff(request: RateRequest, retryInMs: number): void {
    this.logger.debug({ path: request.path, retryInMs }, 'no valid rate in the CoinAPI answer; backing off');
  }

  throttled(problem: FetchProblem, pauseMs: number, retryAfterMs: number | undefined): void {
    this.metrics.rateFetchErrors.inc({ reason: problem.code });
    const fields = { detail: problem.detail, pauseMs, retryAfterMs };
    this.incidents.report(THROTTLE, 'warn', fields, 'CoinAPI throttles requests (429); pausing');
  }

  keyRejected(problem: FetchProblem, retryInMs: number): void {
    this.metrics.rateFetchErrors.inc({ reason: problem.code });
    this.incidents.report(
      KEY,
      'error',
      { detail: problem.detail, retryInMs },
      'CoinAPI key rejected: check COIN_API_KEY and its plan; retrying slowly',
    );
  }
}
