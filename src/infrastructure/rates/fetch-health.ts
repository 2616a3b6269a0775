import type { Clock } from '../../application/ports/clock.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import type { FetchErrorReason } from './fetch-problem';

/** The codes a fetcher's /readyz states: fixed words, never upstream text (that goes to the log). */
export type RatesNotReadyCode =
  'rates-stopped' | 'rates-stalled' | 'rates-key-rejected' | 'rates-no-answer-yet' | `rates-${FetchErrorReason}`;

export interface HealthPolicy {
  /** Polls in a row without a valid rate before fetching counts as broken. */
  readonly unreadyAfter: number;
  /** RATE_INTERVAL_MS. */
  readonly intervalMs: number;
  /** The hard deadline of one request. */
  readonly deadlineMs: number;
}

/** Intervals without a finished poll (plus one deadline) before the loop counts as stalled (SPEC.md). */
const STALL_INTERVALS = 3;

const notReady = (reason: RatesNotReadyCode): Readiness => ({ ready: false, reason });

/**
 * Whether fetching works, for /readyz: not before the first valid answer, not
 * while the key is rejected, not once `unreadyAfter` polls in a row brought
 * nothing valid, and not while the poll loop is stalled. The stall check is
 * made when readiness is asked, against the clock, so it holds even while a
 * poll hangs inside a request: no poll has finished for three intervals plus
 * the deadline (counted from when the next poll was due, so a backoff, a
 * Retry-After or quota pacing that the last poll chose is not a stall).
 */
export class FetchHealth {
  private running = false;
  private everSucceeded = false;
  private failedPolls = 0;
  private lastProblem: FetchErrorReason | undefined;
  private keyRejected = false;
  private stalledAfter = 0;

  constructor(
    private readonly policy: HealthPolicy,
    private readonly clock: Clock,
  ) {}

  /** The loop starts, with its first poll at once. */
  started(): void {
    this.running = true;
    this.expectPollBy(0);
  }

  stopped(): void {
    this.running = false;
  }

  /** A poll finished (whatever it brought); the next starts `nextDelayMs` from now. */
  finished(nextDelayMs: number): void {
    this.expectPollBy(nextDelayMs);
  }

  /** A poll brought at least one valid quote: whatever was failing works again. */
  pollSucceeded(): void {
    this.everSucceeded = true;
    this.failedPolls = 0;
    this.keyRejected = false;
  }

  /** A poll made requests and none brought a valid quote; `reason` is the last one's. */
  pollFailed(reason: FetchErrorReason): void {
    this.failedPolls += 1;
    this.lastProblem = reason;
  }

  /** CoinAPI answered 401/403; cleared by the next poll with a valid quote. */
  rejectedKey(): void {
    this.keyRejected = true;
  }

  readiness(): Readiness {
    if (!this.running) return notReady('rates-stopped');
    if (this.clock.now() > this.stalledAfter) return notReady('rates-stalled');
    if (this.keyRejected) return notReady('rates-key-rejected');
    const failing = this.lastProblem === undefined ? 'rates-no-answer-yet' : (`rates-${this.lastProblem}` as const);
    if (!this.everSucceeded) return notReady(failing);
    if (this.failedPolls >= this.policy.unreadyAfter) return notReady(failing);
    return READY;
  }

  private expectPollBy(nextDelayMs: number): void {
    const { intervalMs, deadlineMs } = this.policy;
    const chosenWait = Math.max(0, nextDelayMs - intervalMs);
    this.stalledAfter = this.clock.now() + chosenWait + STALL_INTERVALS * intervalMs + deadlineMs;
  }
}
