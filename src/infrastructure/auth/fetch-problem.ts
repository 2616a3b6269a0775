import { errors } from 'jose';
import { JwksAnswerRefused } from './jwks-fetch';

/**
 * Why a JWKS fetch failed, in words fit for /readyz and logs: jose's own fixed
 * messages and a network error's code, never the answer's text or an address.
 */
export function fetchProblem(error: unknown): string {
  if (error instanceof JwksAnswerRefused) return error.message;
  if (error instanceof errors.JWKSTimeout) return 'timed out';
  if (error instanceof errors.JWKSInvalid) return 'the answer is not a JSON Web Key Set';
  if (error instanceof errors.JOSEError) return error.message;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? `unreachable (${cause.code})` : 'unreachable';
}
