/** SPEC.md's rules for a stream request, written out again on their own: 401, 400, or served. */
const NAME = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_TOPICS = 64;

export interface StreamRequest {
  /** The request target: path and query, as sent. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
}

const validFilter = (raw: string): boolean => raw === '*' || NAME.test(raw.endsWith('*') ? raw.slice(0, -1) : raw);

/** The token judged (header, else query, else cookie), or undefined when none is presented. */
function presentedToken(request: StreamRequest, query: URLSearchParams): string | undefined {
  const authorization = request.headers.Authorization;
  if (authorization !== undefined) return /^Bearer +(.*)$/i.exec(authorization.trim())?.[1] ?? '';
  const fromQuery = query.getAll('access_token');
  // Given twice, the token is ambiguous: neither is taken (judged as an empty token, refused).
  if (fromQuery.length > 0) return fromQuery.length === 1 ? fromQuery[0] : '';
  for (const part of request.headers.Cookie?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at >= 0 && part.slice(0, at).trim() === 'sse_token') return decodeCookie(part.slice(at + 1).trim());
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

/** The Last-Event-ID that counts: the header's when not empty, else the `lastEventId` query's; or none. */
export function lastEventIdOf(request: StreamRequest): string | undefined {
  const header = request.headers['Last-Event-ID']?.trim() ?? '';
  if (header !== '') return header;
  const query = new URL(request.target, 'http://hub').searchParams.get('lastEventId') ?? '';
  return query === '' ? undefined : query;
}

function queryProblem(query: URLSearchParams, lastEventIdHeader: string | undefined, historySize: number): boolean {
  const topics = query.getAll('topic');
  if (topics.length > MAX_TOPICS || !topics.every(validFilter)) return true;
  const heartbeat = query.get('heartbeat');
  if (heartbeat !== null && heartbeat !== 'event' && heartbeat !== 'comment') return true;
  const header = lastEventIdHeader?.trim() ?? '';
  if (header !== '' || (query.get('lastEventId') ?? '') !== '') return false;
  const rewind = query.get('rewind');
  const latest = query.get('latest');
  if (rewind !== null && latest !== null) return true;
  if (latest !== null) return latest !== '1';
  if (rewind === null) return false;
  return !/^[1-9]\d{0,9}$/.test(rewind) || Number(rewind) > historySize;
}

/**
 * What a stream request must get from a hub with a JWT key and ANONYMOUS=true, in SPEC.md's order: 401 for
 * a presented token that is not one of `validTokens`, then 400 for the query, else it is served (a stream,
 * or a turn-away when the hub is full).
 */
export function expectedStreamOutcome(
  request: StreamRequest,
  validTokens: ReadonlySet<string>,
  historySize: number,
): 401 | 400 | 'served' {
  const query = new URL(request.target, 'http://hub').searchParams;
  const token = presentedToken(request, query);
  if (token !== undefined && !validTokens.has(token)) return 401;
  return queryProblem(query, request.headers['Last-Event-ID'], historySize) ? 400 : 'served';
}
