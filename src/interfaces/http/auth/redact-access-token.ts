import { ACCESS_TOKEN_PARAM } from './presented-token';

export const REDACTED = '<hidden>';

/**
 * `target` (a request target, path or absolute URL) with the value of every
 * `access_token` query parameter replaced by `<hidden>`, for any log line,
 * error message or metric label that carries a URL. A name is compared as the
 * stream handler would decode it, so `access%5Ftoken=…` is hidden too; the
 * comparison ignores case to err on the side of hiding.
 */
export function redactAccessToken(target: string): string {
  const start = target.indexOf('?');
  if (start < 0) return target;
  // Segments end at `&` or `#`: a fragment that looks like a query is hidden the same way.
  return `${target.slice(0, start + 1)}${target.slice(start + 1).replace(/[^&#]+/g, redactPair)}`;
}

function redactPair(pair: string): string {
  const eq = pair.indexOf('=');
  const rawName = eq < 0 ? pair : pair.slice(0, eq);
  const [name] = new URLSearchParams(rawName).keys();
  return name?.toLowerCase() === ACCESS_TOKEN_PARAM ? `${rawName}=${REDACTED}` : pair;
}
