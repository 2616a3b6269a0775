import type { JWTPayload } from 'jose';
import { post } from './http';
import { secretBytes, signToken } from './jwt';
import { BROADCAST } from './stream-clients';

/** The HMAC secret the auth suites give the hub as JWT_KEY (at least 32 bytes). */
export const HS_SECRET = 'sse-hub integration secret, well over 32 bytes long';

/** Seconds since the epoch, as `exp`, `nbf` and `iat` count. */
export const nowS = (): number => Math.floor(Date.now() / 1000);

/** An HS256 token of `claims`, signed with `secret` (HS_SECRET unless told). */
export const hsToken = (claims: JWTPayload, secret = HS_SECRET): Promise<string> =>
  signToken(secretBytes(secret), { alg: 'HS256', claims });

/** Claims that let their holder read the private events of `filters`. */
export const readerClaims = (...filters: string[]): JWTPayload => ({ sse: { subscribe: filters } });

/** Claims that let their holder publish on `filters`. */
export const publisherClaims = (...filters: string[]): JWTPayload => ({ sse: { publish: filters } });

/** POSTs a broadcast with `Authorization: Bearer <token>` (none when undefined). */
export function broadcastWith(
  url: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): ReturnType<typeof post> {
  const auth: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  return post(`${url}${BROADCAST}`, body, { 'Content-Type': 'application/json', ...auth, ...headers });
}

/** Publishes `body` with `token` and returns the event id; anything but 202 throws. */
export async function publishAs(url: string, token: string | undefined, body: unknown): Promise<string> {
  const answer = await broadcastWith(url, token, body);
  if (answer.status !== 202) {
    throw new Error(`broadcast answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
  return answer.json.id as string;
}
