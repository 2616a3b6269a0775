import type { Grant } from '../../domain/grant';
import type { Result } from '../../domain/result';
import type { Readiness } from './readiness';

/** Why a token was refused: each kind has a stable code (the edge answers every one of them 401). */
export type TokenErrorCode =
  /** Not a compact JWS/JWT, or a registered claim of the wrong type. */
  | 'malformed'
  /** The signature does not verify with the key (or with any key of the set). */
  | 'bad-signature'
  /** An algorithm the key does not allow (`none`, HMAC with a public key, RS256 with an EC key …). */
  | 'algorithm'
  /** `exp` has passed (beyond the clock tolerance). */
  | 'expired'
  /** `nbf` is still ahead (beyond the clock tolerance). */
  | 'not-yet-valid'
  /** `iss` is not JWT_ISSUER. */
  | 'issuer'
  /** `aud` does not name JWT_AUDIENCE. */
  | 'audience'
  /** The `sse` claim is not arrays of valid topic filters. */
  | 'claims'
  /** No key to check with: the JWKS has not been fetched yet, or cannot be fetched now. */
  | 'no-key';

export interface TokenError {
  readonly code: TokenErrorCode;
  /** Says what is wrong; never holds the token or a key. */
  readonly message: string;
}

/** Checks subscriber and publisher JWTs (JWT_KEY or JWT_JWKS_URL) and says what they grant. */
export interface TokenVerifier {
  /**
   * Verifies `token` (signature with an algorithm pinned to the key, `exp`,
   * `nbf`, `iss`, `aud` with a few seconds of clock tolerance, the `sse` claim)
   * and resolves its Grant, or the reason it is refused. Never rejects.
   */
  verify(token: string): Promise<Result<Grant, TokenError>>;
  /** Ready once a token can be checked: a static key always is; a JWKS once a key set has ever been fetched. */
  readiness(): Readiness;
  /** Begins background work (fetching the JWKS and keeping it fresh); returns at once, whatever the JWKS does. */
  start(): void;
  /** Stops that background work; a fetch in flight is left to finish on its own, unobserved. */
  close(): void;
}
