// @ts-check
/* global AbortController */
/**
 * Why the stream was refused. EventSource reports any answer that is not a 200
 * event stream as a bare error and gives up; the JSON reason (a refused token,
 * a bad query) is read by asking the same URL once with fetch().
 *
 * @typedef {{ status: number, message: string }} Refusal
 */

const PROBE_TIMEOUT_MS = 5_000;

/**
 * The answer the server gives `url` now: undefined if it is a stream after all
 * (the probe's stream is closed at once) or if the server cannot be reached.
 * @param {URL} url
 * @returns {Promise<Refusal | undefined>}
 */
export async function askWhyRefused(url) {
  const abort = new AbortController();
  const timer = window.setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream' },
      cache: 'no-store',
      signal: abort.signal,
    });
    if (response.ok) return undefined;
    /** @type {{ message?: unknown }} */
    const body = await response.json().catch(() => ({}));
    const message = typeof body.message === 'string' ? body.message : response.statusText;
    return { status: response.status, message };
  } catch {
    return undefined;
  } finally {
    window.clearTimeout(timer);
    abort.abort();
  }
}

/**
 * Answers that another try with the same URL would get again: only the user
 * (a new token, other pairs) can change them.
 * @param {Refusal} refusal
 */
export const isFinal = (refusal) => refusal.status === 400 || refusal.status === 401 || refusal.status === 403;
