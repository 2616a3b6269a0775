import { errors } from 'jose';
import type { TokenError } from '../../application/ports/token-verifier.port';

/** The key set could not be had (never fetched, fetch failing, unusable member): answered as `no-key`. */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
}

/** What the token's claim checks map to when the value was missing or did not match. */
const CLAIM_CODES: Readonly<Record<string, TokenError['code']>> = {
  nbf: 'not-yet-valid',
  iss: 'issuer',
  aud: 'audience',
};

const MESSAGES: Readonly<Record<TokenError['code'], string>> = {
  malformed: 'the token is not a well-formed JWT',
  'bad-signature': 'the token signature does not verify',
  algorithm: 'the token alg is not allowed for the configured key',
  expired: 'the token has expired',
  'not-yet-valid': 'the token is not valid yet (nbf)',
  issuer: 'the token iss is not the expected issuer',
  audience: 'the token aud does not name the expected audience',
  claims: 'the token sse claim is invalid',
  'no-key': 'no key is available to check the token yet',
};

export const tokenError = (code: TokenError['code'], message = MESSAGES[code]): TokenError => ({ code, message });

/**
 * Maps what jose threw to a refusal with a stable code. The messages are ours,
 * not jose's or the cause's, so no part of a token or key can reach a reply.
 */
export function tokenErrorOf(error: unknown): TokenError {
  if (error instanceof KeySetUnavailable) return tokenError('no-key');
  // Anything else that is not jose's (a key jose refuses, such as a weak RSA key in a JWKS) is no valid signature.
  if (!(error instanceof errors.JOSEError)) return tokenError('bad-signature');
  if (error instanceof errors.JWTClaimValidationFailed) return claimError(error);
  switch (error.code) {
    case errors.JWSSignatureVerificationFailed.code:
      return tokenError('bad-signature');
    case errors.JWKSNoMatchingKey.code:
      return tokenError('bad-signature', 'no key of the key set matches the token kid and alg');
    case errors.JOSEAlgNotAllowed.code:
    case errors.JOSENotSupported.code:
      return tokenError('algorithm');
    case errors.JWTExpired.code:
      return tokenError('expired');
    default:
      return tokenError('malformed');
  }
}

/** A claim that was missing or did not match says which; one of the wrong type makes the token malformed. */
function claimError(failed: errors.JWTClaimValidationFailed): TokenError {
  const code = failed.reason === 'invalid' ? undefined : CLAIM_CODES[failed.claim];
  return code === undefined
    ? tokenError('malformed', `the token "${failed.claim}" claim is invalid`)
    : tokenError(code);
}
