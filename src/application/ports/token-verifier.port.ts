import type { DomainError } from '../../domain/errors';
import type { Grant } from '../../domain/grant';
import type { Result } from '../../domain/result';
import type { Readiness } from './readiness';

export type TokenRejected = Extract<DomainError, { code: 'unauthenticated' }>;

/** Checks the JWTs of subscribers and publishers (JWT_KEY or JWT_JWKS_URL). */
export interface TokenVerifier {
  /**
   * The grant of a valid token; `unauthenticated` naming what is wrong (signature, algorithm, expired, not yet
   * valid, issuer, audience, claims, no key yet). Never rejects.
   */
  verify(token: string): Promise<Result<Grant, TokenRejected>>;
  /** Not ready only while no key could ever be had (a JWKS never fetched). */
  readiness(): Readiness;
}
