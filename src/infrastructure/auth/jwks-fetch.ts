import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { readCapped } from '../capped-body';

/** A key set is a few kilobytes; a bigger answer is refused without being read whole. */
export const MAX_JWKS_BYTES = 1_048_576;

/** A fetch that got an answer it will not use; the message is fixed words, never the answer's text. */
export class JwksAnswerRefused extends Error {
  override readonly name = 'JwksAnswerRefused';
}

/**
 * Fetches the JWKS at `url` and makes a key lookup of it: `200` only (no
 * redirect followed), the whole answer within `timeoutMs`, at most
 * MAX_JWKS_BYTES, and a JSON Web Key Set (jose checks the shape). Rejects with
 * the reason otherwise.
 */
export async function fetchKeySet(url: string, timeoutMs: number): Promise<JWTVerifyGetKey> {
  const deadline = new AbortController();
  // A timer held here, not AbortSignal.timeout: a signal nobody holds can be collected during the read.
  const timer = setTimeout(() => deadline.abort(new errors.JWKSTimeout()), timeoutMs);
  try {
    const { signal } = deadline;
    const response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/json' } });
    if (response.status !== 200) {
      void response.body?.cancel().catch(() => undefined);
      throw new JwksAnswerRefused(`answered HTTP ${response.status}, expected 200 OK`);
    }
    const body = await readCapped(response.body, MAX_JWKS_BYTES, signal);
    if (body.kind === 'cut') throw new JwksAnswerRefused(`the answer is over ${MAX_JWKS_BYTES} bytes`);
    return createLocalJWKSet(parsed(body.bytes));
  } finally {
    clearTimeout(timer);
    deadline.abort();
  }
}

function parsed(bytes: Buffer): JSONWebKeySet {
  try {
    return JSON.parse(bytes.toString('utf8')) as JSONWebKeySet;
  } catch {
    throw new errors.JWKSInvalid('the answer is not JSON');
  }
}
