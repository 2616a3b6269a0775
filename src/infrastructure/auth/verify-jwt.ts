import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, type KeyObject } from 'jose';
import type { Clock } from '../../application/ports/clock.port';
import type { TokenError } from '../../application/ports/token-verifier.port';
import { grantOf, type Grant } from '../../domain/grant';
import { fail, type Result } from '../../domain/result';
import { tokenError, tokenErrorOf } from './token-error-of';

/** Seconds of disagreement between our clock and the issuer's that `exp` and `nbf` forgive. */
export const CLOCK_TOLERANCE_S = 5;

export interface JwtChecks {
  /** The only `alg` values accepted, fixed by the kind of key (never taken from the token). */
  readonly algorithms: readonly string[];
  /** JWT_ISSUER / JWT_AUDIENCE: when set, the token must carry them. */
  readonly issuer?: string;
  readonly audience?: string;
  readonly clock: Clock;
}

type Key = Uint8Array | KeyObject | JWTVerifyGetKey;

/** Verifies one compact JWT with `key` under `checks`; every refusal is a value, never a rejection. */
export async function verifyJwt(token: string, key: Key, checks: JwtChecks): Promise<Result<Grant, TokenError>> {
  const options = optionsOf(checks);
  try {
    const { payload } = await jwtVerify(token, key, options);
    return grantFrom(payload);
  } catch (error) {
    if (error instanceof errors.JWKSMultipleMatchingKeys) return tryEach(token, error, options);
    return fail(tokenErrorOf(error));
  }
}

function optionsOf(checks: JwtChecks): JWTVerifyOptions {
  return {
    algorithms: [...checks.algorithms],
    clockTolerance: CLOCK_TOLERANCE_S,
    currentDate: new Date(checks.clock.now()),
    ...(checks.issuer === undefined ? {} : { issuer: checks.issuer }),
    ...(checks.audience === undefined ? {} : { audience: checks.audience }),
  };
}

function grantFrom(payload: JWTPayload): Result<Grant, TokenError> {
  // jose has checked that `exp`, when present, is a number.
  const grant = grantOf(payload.sse, payload.exp === undefined ? undefined : payload.exp * 1000);
  return grant.ok ? grant : fail(tokenError('claims', grant.error.message));
}

/** Several keys of a JWKS fit the token (no `kid`): the token is good if one of them verifies it. */
async function tryEach(
  token: string,
  candidates: errors.JWKSMultipleMatchingKeys,
  options: JWTVerifyOptions,
): Promise<Result<Grant, TokenError>> {
  for await (const key of candidates) {
    try {
      return grantFrom((await jwtVerify(token, key, options)).payload);
    } catch (error) {
      const refusal = tokenErrorOf(error);
      if (refusal.code !== 'bad-signature') return fail(refusal);
    }
  }
  return fail(tokenError('bad-signature'));
}
