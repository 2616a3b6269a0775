import type { FetchProblem } from './fetch-problem';
import type { KeyMask } from './key-mask';
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

/** An answer as it arrived: status, headers and the body read (an error body only in part). */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** How many characters of upstream text a detail shows, after masking. */
const DETAIL_CHARS = 200;

/**
 * Sorts a CoinAPI answer into an outcome by its status, then its body. Every
 * piece of upstream text in a detail is masked (see KeyMask) before it is cut.
 */
export function sortAnswer(answer: Answer, mask: KeyMask, now: number): FetchOutcome {
  const { status, headers, text } = answer;
  const quota = readQuota(headers, now);
  if (status >= 200 && status <= 299) return parseBody(text, mask, quota);
  const detail = `HTTP ${status}: ${errorText(text, mask)}`;
  if (status === 401 || status === 403) {
    return { kind: 'key-rejected', problem: { code: 'key-rejected', detail }, quota };
  }
  if (status === 429) {
    const problem: FetchProblem = { code: 'throttled', detail };
    return { kind: 'throttled', problem, retryAfterMs: retryAfterMs(headers, now), quota };
  }
  return { kind: 'failed', problem: { code: status >= 500 ? 'http-5xx' : 'http-4xx', detail }, quota };
}

/** A 2xx answer over the body cap: refused, its quota headers still read. */
export function tooLarge(headers: Headers, detail: string, now: number): FetchOutcome {
  return { kind: 'failed', problem: { code: 'too-large', detail }, quota: readQuota(headers, now) };
}

function parseBody(text: string, mask: KeyMask, quota: Quota | undefined): FetchOutcome {
  try {
    return { kind: 'ok', body: JSON.parse(text) as unknown, quota };
  } catch {
    const detail = `not JSON: ${mask.shown(text, DETAIL_CHARS)}`;
    return { kind: 'failed', problem: { code: 'malformed-json', detail }, quota };
  }
}

/** CoinAPI's errors are `{"error": "…"}`; anything else is shown as its first characters. Masked, then cut. */
function errorText(text: string, mask: KeyMask): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string') {
      return mask.shown(parsed.error, DETAIL_CHARS);
    }
  } catch {
    // not JSON (or cut short): shown as text below
  }
  return mask.shown(text, DETAIL_CHARS);
}
