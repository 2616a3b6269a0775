import { backoffDelay } from '../bus/backoff';
import type { Quota } from './rate-limit-headers';

export interface PacingPolicy {
  /** RATE_INTERVAL_MS: the normal time from one poll's start to the next. */
  readonly intervalMs: number;
  /** Cap of the backoff after failures and after a 429 without Retry-After. */
  readonly maxBackoffMs: number;
  /** Time between attempts while CoinAPI rejects the key (401/403). */
  readonly keyRejectedRetryMs: number;
  /** Longest single wait that Retry-After or the quota may impose. */
  readonly maxWaitMs: number;
}

/** CoinAPI counts its quota over a rolling 24 hours; assumed when X-RateLimit-Reset is missing. */
const QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * When each request of the poll loop may go next (pure arithmetic over `now`).
 * A failing request (5xx, timeout, bad data…) backs off on its own, so one
 * broken pair does not slow the healthy ones; a 429 or a rejected key pauses
 * every request, since they are about the key; and the quota sets a minimum
 * spacing between polls. Backoff is capped, exponential with equal jitter, and
 * never faster than the interval.
 */
export class PollSchedule {
  private readonly notBefore: number[];
  private readonly failures: number[];
  private throttles = 0;
  private pausedUntil = 0;
  private quota: Quota | undefined;

  constructor(
    private readonly policy: PacingPolicy,
    private readonly requestCount: number,
    private readonly random: () => number = Math.random,
  ) {
    this.notBefore = new Array<number>(requestCount).fill(0);
    this.failures = new Array<number>(requestCount).fill(0);
  }

  /** The requests a poll starting at `now` should make, in order (none during a pause). */
  due(now: number): number[] {
    if (now < this.pausedUntil) return [];
    return this.notBefore.flatMap((at, index) => (at <= now ? [index] : []));
  }

  succeeded(index: number): void {
    this.failures[index] = 0;
    this.notBefore[index] = 0;
    this.throttles = 0;
  }

  /** Request `index` failed at `now`; returns how long it now waits. */
  failed(index: number, now: number): number {
    const wait = this.backoff(this.failures[index] ?? 0);
    this.failures[index] = (this.failures[index] ?? 0) + 1;
    this.notBefore[index] = now + wait;
    return wait;
  }

  /** A 429: wait as `Retry-After` says (within bounds), else back off; returns the pause. */
  throttled(now: number, retryAfterMs: number | undefined): number {
    const { intervalMs, maxWaitMs } = this.policy;
    const wait = retryAfterMs === undefined ? this.backoff(this.throttles) : Math.min(retryAfterMs, maxWaitMs);
    this.throttles += 1;
    return this.pause(now, Math.max(intervalMs, wait));
  }

  /** A 401/403: slow retries until the key works; returns the pause. */
  keyRejected(now: number): number {
    return this.pause(now, Math.max(this.policy.intervalMs, this.policy.keyRejectedRetryMs));
  }

  noteQuota(quota: Quota): void {
    this.quota = quota;
  }

  /** How long after `now` the next poll starts, the last one having started at `startedAt`. */
  nextDelay(startedAt: number, now: number): number {
    const cadence = startedAt + Math.max(this.policy.intervalMs, this.quotaSpacing(now));
    const firstDue = Math.min(...this.notBefore);
    return Math.max(0, Math.max(cadence, firstDue, this.pausedUntil) - now);
  }

  /**
   * The quota rule: never spend faster than what is left can last until the
   * quota is whole again, i.e. at least `cost of a poll × time to reset ÷
   * remaining` between polls. Nothing left: one poll per `maxWaitMs` until
   * the reset. Off for plans that bill overage rather than refuse.
   */
  quotaSpacing(now: number): number {
    const quota = this.quota;
    if (quota?.remaining === undefined || quota.overage === true) return 0;
    const untilReset = quota.resetAt === undefined ? QUOTA_WINDOW_MS : quota.resetAt - now;
    if (untilReset <= 0) return 0;
    if (quota.remaining <= 0) return Math.min(untilReset, this.policy.maxWaitMs);
    const pollCost = this.requestCount * (quota.requestCost ?? 1);
    return Math.min(this.policy.maxWaitMs, Math.ceil((pollCost * untilReset) / quota.remaining));
  }

  private backoff(attempt: number): number {
    const { intervalMs, maxBackoffMs } = this.policy;
    const initialMs = 2 * intervalMs;
    return backoffDelay({ initialMs, maxMs: Math.max(maxBackoffMs, initialMs) }, attempt, this.random);
  }

  private pause(now: number, ms: number): number {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    return this.pausedUntil - now;
  }
}
