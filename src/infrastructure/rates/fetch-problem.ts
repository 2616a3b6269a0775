/** Why a CoinAPI request or one of its pairs produced no quote: the `reason` label of `sse_rate_fetch_errors_total`. */
export type FetchErrorReason =
  | 'key-rejected'
  | 'throttled'
  | 'http-5xx'
  | 'http-4xx'
  | 'timeout'
  | 'network'
  | 'malformed-json'
  | 'invalid-response'
  | 'too-large'
  | 'invalid-rate'
  | 'missing-quote';

/** A fetch error as data: the metric reason and a detail for the log (never holding the key). */
export interface FetchProblem {
  readonly code: FetchErrorReason;
  readonly detail: string;
}
