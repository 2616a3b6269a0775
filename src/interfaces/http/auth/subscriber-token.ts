import type { IncomingHttpHeaders } from 'node:http';

/**
 * The token a stream request carries: `Authorization: Bearer`, else the `access_token` query parameter (for
 * EventSource, which cannot send headers), else the `sse_token` cookie (a browser's EventSource with
 * credentials). The first of these present is the one judged: a bad header never falls back to a cookie.
 */
export function subscriberToken(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) return /^Bearer +(.*)$/i.exec(authorization)?.[1] ?? '';
  const fromQuery = query.get('access_token');
  if (fromQuery !== null) return fromQuery;
  return cookie(headers.cookie, 'sse_token');
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at >= 0 && part.slice(0, at).trim() === name) return decodeCookie(part.slice(at + 1).trim());
  }
  return undefined;
}

function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
