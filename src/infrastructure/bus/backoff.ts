export interface BackoffPolicy {
  /** Delay bound for the first retry, in milliseconds. */
  readonly initialMs: number;
  /** Upper bound of any delay, in milliseconds. */
  readonly maxMs: number;
}

/**
 * Capped exponential backoff with "equal jitter": the bound doubles per
 * attempt up to `maxMs`, and the delay is drawn from its upper half, so
 * replicas that lost the broker together do not come back in lockstep, yet no
 * retry is ever immediate. `attempt` counts from 0.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(bound / 2 + random() * (bound / 2));
}
