import type { Clock } from '../../application/ports/clock.port';
import type { FetchProblem } from './fetch-problem';
import { readQuota, retryAfterMs, type Quota } from './rate-limit-headers';

/** What one request came to; never a thrown error. */
export type FetchOutcome =
  | { readonly kind: 'ok'; readonly body: unknown; readonly quota: Quota | undefined }
  | { readonly kind: 'key-rejected'; readonly problem: FetchProblem; readonly quota: Quota | undefined }
  | {
      readonly kind: 'throttled';
      readonly problem: FetchProblem;
      readonly retryAfterMs: number | undefined;
      readonly quota: Quota | undefined;
    }
  | { readonly kind: 'failed'; readonly problem: FetchProblem; readonly quota: Quota | undefined }
  | { readonly kind: 'stopped' };

export interface CoinApiClientOptions {
  /** COINAPI_URL without a trailing slash. */
  readonly baseUrl: string;
  readonly key: string;
  /** Whole-request limit: connect, headers and body. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
}

/** A CoinAPI answer bigger than this is not an exchange rate. */
const MAX_BODY_CHARS = 1_000_000;
const DETAIL_CHARS = 200;

/**
 * GETs CoinAPI paths with the key in the `X-CoinAPI-Key` header (never in the
 * URL, and never followed through a redirect to another host) and sorts each
 * answer into an outcome. Every detail it reports has the key blanked out,
 * even where fetch itself put it in an error message.
 */
export class CoinApiClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: CoinApiClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** One request; `stop` aborts it (the outcome is then `stopped`). */
  async get(path: string, stop: AbortSignal): Promise<FetchOutcome> {
    const { baseUrl, key, timeoutMs } = this.options;
    try {
      const response = await this.fetch(`${baseUrl}${path}`, {
        headers: { 'X-CoinAPI-Key': key, Accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
      });
      return this.classify(response.status, response.headers, await response.text());
    } catch (error) {
      if (stop.aborted) return { kind: 'stopped' };
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const problem: FetchProblem = timedOut
        ? { code: 'timeout', detail: `no complete answer within ${timeoutMs} ms` }
        : { code: 'network', detail: this.scrub(describe(error)) };
      return { kind: 'failed', problem, quota: undefined };
    }
  }

  private classify(status: number, headers: Headers, text: string): FetchOutcome {
    const now = this.options.clock.now();
    const quota = readQuota(headers, now);
    const detail = `HTTP ${status}: ${this.scrub(errorText(text))}`;
    if (status === 401 || status === 403)
      return { kind: 'key-rejected', problem: { code: 'key-rejected', detail }, quota };
    if (status === 429) {
      return {
        kind: 'throttled',
        problem: { code: 'throttled', detail },
        retryAfterMs: retryAfterMs(headers, now),
        quota,
      };
    }
    if (status < 200 || status > 299) {
      return { kind: 'failed', problem: { code: status >= 500 ? 'http-5xx' : 'http-4xx', detail }, quota };
    }
    if (text.length > MAX_BODY_CHARS) {
      return { kind: 'failed', problem: { code: 'invalid-response', detail: `${text.length} characters` }, quota };
    }
    try {
      return { kind: 'ok', body: JSON.parse(text) as unknown, quota };
    } catch {
      const shown = this.scrub(text.slice(0, DETAIL_CHARS));
      return { kind: 'failed', problem: { code: 'malformed-json', detail: `not JSON: ${shown}` }, quota };
    }
  }

  private scrub(text: string): string {
    return this.options.key === '' ? text : text.split(this.options.key).join('<hidden>');
  }
}

/** CoinAPI's errors are `{"error": "…"}`; anything else is shown as its first characters. */
function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string') {
      return parsed.error.slice(0, DETAIL_CHARS);
    }
  } catch {
    // not JSON: shown as text below
  }
  return text.slice(0, DETAIL_CHARS);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
