import type { Clock } from '../../application/ports/clock.port';
import type { CurrencyPair } from '../../domain/rate';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
import type { Timer } from './timer';

export interface CoinApiSettings {
  /** COINAPI_URL, COIN_API_KEY, RATE_PAIRS and RATE_INTERVAL_MS. */
  readonly url: string;
  readonly key: string;
  readonly pairs: readonly CurrencyPair[];
  readonly intervalMs: number;
  /** Upper bound of a request's hard deadline, which is also at most 80 % of the interval. */
  readonly requestTimeoutMs?: number;
  readonly maxBackoffMs?: number;
  readonly keyRejectedRetryMs?: number;
  readonly maxWaitMs?: number;
  /** Polls in a row without a valid rate before /readyz says fetching is broken. */
  readonly unreadyAfter?: number;
}

export interface CoinApiParts {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
  /** Where the poll loop and the request deadline wait; Node's timers by default. */
  readonly timer?: Timer;
}

/** The production tunables; tests shrink them through the constructor. */
export const COINAPI_DEFAULTS = {
  requestTimeoutMs: 10_000,
  maxBackoffMs: 60_000,
  keyRejectedRetryMs: 60_000,
  maxWaitMs: 3_600_000,
  unreadyAfter: 3,
} as const;

export type CoinApiTunables = { readonly [K in keyof typeof COINAPI_DEFAULTS]: number };

/** The settings' tunables, each defaulted when absent. */
export const tunablesOf = (settings: CoinApiSettings): CoinApiTunables => ({
  requestTimeoutMs: settings.requestTimeoutMs ?? COINAPI_DEFAULTS.requestTimeoutMs,
  maxBackoffMs: settings.maxBackoffMs ?? COINAPI_DEFAULTS.maxBackoffMs,
  keyRejectedRetryMs: settings.keyRejectedRetryMs ?? COINAPI_DEFAULTS.keyRejectedRetryMs,
  maxWaitMs: settings.maxWaitMs ?? COINAPI_DEFAULTS.maxWaitMs,
  unreadyAfter: settings.unreadyAfter ?? COINAPI_DEFAULTS.unreadyAfter,
});
