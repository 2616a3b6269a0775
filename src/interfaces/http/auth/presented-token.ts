import { bearerOf } from './bearer';

/** Where a subscriber put its token, in the order they are looked at. */
type TokenSource = 'header' | 'query' | 'cookie';

export interface PresentedToken {
  /** The token to judge; empty when the place was present but held none (`Bearer` alone, `access_token=`). */
  readonly token: string;
  /** `query`: the token is in the URL, so anything that logs or echoes the URL must redact it first. */
  readonly source: TokenSource;
}

/** Request headers as node gives them: lower-case names. */
type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

const ACCESS_TOKEN_PARAM = 'access_token';
const TOKEN_COOKIE = 'sse_token';

/**
 * The token a stream request presents (SPEC.md, subscriber auth):
 * `Authorization: Bearer <t>`, else the `access_token` query parameter, else
 * the `sse_token` cookie. The first place present is the one judged, even when
 * what it holds is empty or garbled (another scheme, the parameter twice): a
 * bad credential must fail, not fall through to the next one or to anonymous.
 * `query` is the request's query, parsed once by the stream handler.
 */
export function presentedToken(headers: RequestHeaders, query: URLSearchParams): PresentedToken | undefined {
  const authorization = first(headers.authorization);
  // Another scheme presents an empty token: it must fail, not fall through.
  if (authorization !== undefined) return { source: 'header', token: bearerOf(authorization) ?? '' };
  const [fromQuery, ...more] = query.getAll(ACCESS_TOKEN_PARAM);
  // Twice is ambiguous, so neither is taken.
  if (fromQuery !== undefined) return { source: 'query', token: more.length === 0 ? fromQuery : '' };
  const cookie = cookieOf(headers.cookie, TOKEN_COOKIE);
  return cookie === undefined ? undefined : { source: 'cookie', token: cookie };
}

const first = (value: string | readonly string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.[0];

/**
 * The first cookie named `name` (browsers send the one with the longest path
 * first), without the optional double quotes of RFC 6265; node joins repeated
 * Cookie headers with `; ` already.
 */
function cookieOf(header: string | readonly string[] | undefined, name: string): string | undefined {
  const text = typeof header === 'string' ? header : header?.join('; ');
  if (text === undefined) return undefined;
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}
