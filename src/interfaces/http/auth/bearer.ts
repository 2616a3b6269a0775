/**
 * The token of an `Authorization: Bearer <token>` header (the scheme in any case); undefined for another
 * scheme, or none. Everything after the scheme is the token, so a configured token may hold spaces.
 */
export function bearerOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /^Bearer +(.+)$/i.exec(authorization.trim())?.[1];
}
