import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export type AccessDenied = { readonly status: 401 | 403; readonly message: string };

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
 * Who may publish. With a token: exactly `Authorization: Bearer <token>`,
 * compared in constant time (over digests, so the length leaks nothing either).
 * Without one: only callers whose socket is on loopback (forwarding headers are
 * not trusted) and that address it by a loopback name: a page whose own name was
 * rebound to 127.0.0.1 (DNS rebinding) sends its own name as Host, and is refused.
 */
export function checkPublishAccess(
  token: string | undefined,
  authorization: string | undefined,
  remoteAddress: string | undefined,
  host?: string,
): AccessDenied | undefined {
  if (token === undefined) {
    return isLoopback(remoteAddress) && (host === undefined || isLoopbackHost(host))
      ? undefined
      : { status: 403, message: 'broadcast is open to loopback clients only; set PUBLISH_TOKEN to publish remotely' };
  }
  // Everything after the scheme is the token, so a configured token may hold spaces.
  const match = /^Bearer +(.+)$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return { status: 401, message: 'missing bearer token' };
  return timingSafeEqual(digest(match[1]), digest(token))
    ? undefined
    : { status: 401, message: 'invalid bearer token' };
}
