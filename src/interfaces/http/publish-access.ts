import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { TokenVerifier } from '../../application/ports/token-verifier.port';
import type { Grant } from '../../domain/grant';
import { bearerOf } from './auth/bearer';

/** How publishers prove who they are: PUBLISH_TOKEN, JWTs, or neither (loopback only). */
export interface PublishPolicy {
  readonly publishToken: string | undefined;
  readonly verifier: TokenVerifier | undefined;
}

/** Allowed (with the JWT grant that limits its topics, if it used one), or why not. */
export type PublishAccess =
  | { readonly allowed: true; readonly grant?: Grant | undefined }
  | { readonly allowed: false; readonly status: 401 | 403; readonly message: string };

/** Headers a proxy adds: a request carrying any of them did not start on this machine, whatever its socket says. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'via'] as const;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Loopback as the socket reports it: 127.0.0.0/8, ::1, and IPv4-mapped 127.x. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined || isIP(address) === 0) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** A Host header naming this machine's loopback (`localhost`, `127.x`, `[::1]`), with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name.toLowerCase() === 'localhost' || isLoopback(name);
}

/**
 * Who may publish. Once PUBLISH_TOKEN or a JWT key is set, a bearer token is required from everyone
 * (loopback included): PUBLISH_TOKEN exactly (compared in constant time, over digests so the length leaks
 * nothing either) may publish anywhere, a valid JWT where its `sse.publish` claim says. Without either,
 * only local callers: a loopback socket, a loopback Host (a page whose own name was rebound to 127.0.0.1
 * sends its own name), and no proxy header (a proxy on this machine would make anyone look local).
 */
export async function checkPublishAccess(
  policy: PublishPolicy,
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
): Promise<PublishAccess> {
  const { publishToken, verifier } = policy;
  if (publishToken === undefined && verifier === undefined) {
    const local =
      isLoopback(remoteAddress) &&
      (headers.host === undefined || isLoopbackHost(headers.host)) &&
      PROXY_HEADERS.every((name) => headers[name] === undefined);
    if (local) return { allowed: true };
    return { allowed: false, status: 403, message: 'broadcast is open to local clients only; set PUBLISH_TOKEN' };
  }
  const bearer = bearerOf(headers.authorization);
  if (bearer === undefined) return { allowed: false, status: 401, message: 'missing bearer token' };
  if (publishToken !== undefined && timingSafeEqual(digest(bearer), digest(publishToken))) return { allowed: true };
  if (verifier === undefined) return { allowed: false, status: 401, message: 'invalid bearer token' };
  const verified = await verifier.verify(bearer);
  if (!verified.ok) return { allowed: false, status: 401, message: verified.error.message };
  return { allowed: true, grant: verified.value };
}
