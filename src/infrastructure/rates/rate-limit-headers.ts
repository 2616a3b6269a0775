/** What CoinAPI's `X-RateLimit-*` headers said about the key's quota; each field only when sent and readable. */
export interface Quota {
  /** X-RateLimit-Limit: requests allowed per window (CoinAPI: a rolling 24 hours). */
  readonly limit?: number;
  /** X-RateLimit-Remaining: requests left; negative once a plan with overage has gone past its limit. */
  readonly remaining?: number;
  /** X-RateLimit-Request-Cost: what the request just made cost. */
  readonly requestCost?: number;
  /** X-RateLimit-Reset: when the quota is whole again, in epoch milliseconds. */
  readonly resetAt?: number;
  /** X-RateLimit-Overage: enabled: the plan bills requests past the limit instead of refusing them. */
  readonly overage?: boolean;
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const EPOCH_SECONDS_FROM = 1e9;

/** An ISO 8601 or HTTP date (both have letters: Date.parse alone would take "-3" for a year). */
function dateOf(raw: string): number | undefined {
  const at = /[a-z]/i.test(raw) ? Date.parse(raw) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name)?.trim();
  return raw !== undefined && NUMBER.test(raw) ? Number(raw) : undefined;
}

/** CoinAPI sends an ISO 8601 time; a plain number is taken as epoch seconds, or seconds from now if small. */
function resetHeader(headers: Headers, now: number): number | undefined {
  const raw = headers.get('x-ratelimit-reset')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) >= EPOCH_SECONDS_FROM ? Number(raw) * 1000 : now + Number(raw) * 1000;
  return dateOf(raw);
}

/** The quota headers of one answer, or undefined if it carried no limit and no remaining count. */
export function readQuota(headers: Headers, now: number): Quota | undefined {
  const limit = numberHeader(headers, 'x-ratelimit-limit');
  const remaining = numberHeader(headers, 'x-ratelimit-remaining');
  if (limit === undefined && remaining === undefined) return undefined;
  const requestCost = numberHeader(headers, 'x-ratelimit-request-cost');
  const resetAt = resetHeader(headers, now);
  const overage = headers.get('x-ratelimit-overage')?.trim().toLowerCase() === 'enabled';
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(requestCost === undefined ? {} : { requestCost }),
    ...(resetAt === undefined ? {} : { resetAt }),
    ...(overage ? { overage } : {}),
  };
}

/** `Retry-After` in milliseconds from `now` (delay-seconds or an HTTP date), or undefined if absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = dateOf(raw);
  return at === undefined ? undefined : Math.max(0, at - now);
}
