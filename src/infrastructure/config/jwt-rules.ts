import { parseJwtKey } from '../auth/jwt-key';
import type { ParsedVariables } from './config-schema';

/**
 * The JWT variables as a whole (SPEC.md, subscriber auth): JWT_KEY must be a
 * usable key, JWT_KEY and JWT_JWKS_URL exclude each other, and ANONYMOUS=false
 * needs one of them. `given` says which were set at all, valid or not.
 */
export function jwtProblems(v: ParsedVariables, given: { readonly key: boolean; readonly jwksUrl: boolean }): string[] {
  const problems: string[] = [];
  if (v.JWT_KEY !== undefined) {
    const key = parseJwtKey(v.JWT_KEY);
    if (!key.ok) problems.push(`JWT_KEY=<hidden> is invalid: ${key.error.message}`);
  }
  if (given.key && given.jwksUrl) {
    problems.push('JWT_KEY and JWT_JWKS_URL are both set: set one of them (a key, or where to fetch the keys)');
  }
  if (!v.ANONYMOUS && !given.key && !given.jwksUrl) {
    problems.push('ANONYMOUS="false" is invalid without JWT_KEY or JWT_JWKS_URL: no token could be checked');
  }
  return problems;
}
