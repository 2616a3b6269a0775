import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticateSubscriber } from '../../../application/authenticate.use-case';
import type { Subscribe, SubscribeInput } from '../../../application/subscribe.use-case';
import type { DomainError } from '../../../domain/errors';
import type { Result } from '../../../domain/result';
import { presentedToken } from '../auth/presented-token';
import { domainErrorStatus } from '../errors';
import { writeJsonError } from '../json-error';
import { chunk } from '../sse/http-chunk';
import { HEARTBEAT_FRAMES } from '../sse/sse-frames';
import { encodeRetry } from '../sse/sse-encoder';
import { streamHead, streamHeaders } from '../sse/sse-head';
import { SseSink } from '../sse/sse-sink';
import { adoptStreamSocket, markStream } from '../sse/stream-socket';
import { turnAway } from './stream.turn-away';

export interface StreamOptions {
  readonly retryMs: number;
  readonly corsOrigins: '*' | readonly string[];
  /** FANOUT=direct: stream sockets may be written to with plain write(2) calls. */
  readonly directWrites: boolean;
  readonly random?: () => number;
}

export interface StreamDeps {
  readonly authenticate: AuthenticateSubscriber;
  readonly subscribe: Subscribe;
  readonly options: StreamOptions;
  /** A bug during a handshake: logged; the client gets a 500, or its stream is cut if it had begun. */
  readonly onBug: (error: unknown) => void;
}

/** A stream request answered; resolves with the status it got (for request metrics). */
export type StreamHandler = (req: IncomingMessage, res: ServerResponse) => Promise<number>;

/** Answers that end their connection: a stream request is never followed by another on it. */
const CLOSE = { Connection: 'close' };

/**
 * The handshake of `GET /api/v1/sso/stream` on bare Node objects, checked in SPEC.md's order: the token
 * (401), the query (400), then whether this replica takes the stream now (turned away). Once accepted, the
 * head and the `retry:` line go out in one write, the socket leaves Node's HTTP server (see
 * stream-socket.ts), and the Broker writes to it through an SseSink from then on.
 */
export function streamHandler(deps: StreamDeps): StreamHandler {
  return async (req, res) => {
    // HEAD answers as GET would, through the same checks, but opens nothing: its connection stays HTTP.
    const head = req.method === 'HEAD';
    if (!head && res.socket === null) {
      // Pipelined behind an unfinished response: a stream written to the socket now would cut into it.
      writeJsonError(res, 400, 'a stream request cannot be pipelined behind another request', CLOSE);
      return 400;
    }
    if (!head) markStream(req.socket);
    const query = queryOf(req.url ?? '');
    const grant = await deps.authenticate.execute(presentedToken(req.headers, query)?.token);
    if (req.socket.destroyed) return 499;
    if (!grant.ok) return answer(res, grant.error);
    const heartbeat = query.get('heartbeat') ?? 'comment';
    if (heartbeat !== 'comment' && heartbeat !== 'event') {
      return answer(res, { code: 'invalid-input', message: 'heartbeat must be event or comment' });
    }
    const stream = { opened: false };
    const input = subscribeInputOf(req, query, grant.value, () => {
      stream.opened = true;
      return open(req, deps.options, HEARTBEAT_FRAMES[heartbeat]);
    });
    if (head) return answerHead(req, res, deps.subscribe.check(input), deps.options);
    try {
      const result = deps.subscribe.execute(input);
      if (result.ok) {
        adoptStreamSocket(req, res, result.value);
        return 200;
      }
      if (result.error.code !== 'unavailable') return answer(res, result.error);
      return turnAway(req, res, result.error.reason, deps.options);
    } catch (error) {
      deps.onBug(error);
      if (stream.opened) req.socket.destroy();
      else writeJsonError(res, 500, 'internal error', CLOSE);
      return 500;
    }
  };
}

/** What the client asks to receive (its topics and where to start), as `grant`, opening with `open`. */
function subscribeInputOf(
  req: IncomingMessage,
  query: URLSearchParams,
  grant: SubscribeInput['grant'],
  openStream: SubscribeInput['open'],
): SubscribeInput {
  const header = req.headers['last-event-id'];
  return {
    grant,
    topics: query.getAll('topic'),
    lastEventId: typeof header === 'string' && header !== '' ? header : (query.get('lastEventId') ?? undefined),
    rewind: query.get('rewind') ?? undefined,
    latest: query.get('latest') ?? undefined,
    open: openStream,
  };
}

/** The query of a target without one: only read, never changed. */
const NO_QUERY = new URLSearchParams();

/**
 * The query of a request target, as WHATWG URL parsing reads it (up to a `#`). Never throws: a target
 * `new URL` refuses must not turn a stream request into an unanswered connection.
 */
function queryOf(target: string): URLSearchParams {
  const start = target.indexOf('?');
  if (start < 0) return NO_QUERY;
  const end = target.indexOf('#', start);
  return new URLSearchParams(target.slice(start + 1, end < 0 ? undefined : end));
}

function answerHead(
  req: IncomingMessage,
  res: ServerResponse,
  checked: Result<void, DomainError>,
  options: StreamOptions,
): number {
  if (!checked.ok) return answer(res, checked.error);
  res.writeHead(200, streamHeaders({ corsOrigins: options.corsOrigins, origin: req.headers.origin }));
  res.end();
  return 200;
}

function answer(res: ServerResponse, error: DomainError): number {
  const { status, headers } = domainErrorStatus(error);
  writeJsonError(res, status, error.message, { ...headers, ...CLOSE });
  return status;
}

function open(req: IncomingMessage, options: StreamOptions, heartbeat: Buffer): SseSink {
  const socket = req.socket;
  const chunked = req.httpVersionMajor > 1 || req.httpVersionMinor >= 1;
  const head = streamHead({ chunked, corsOrigins: options.corsOrigins, origin: req.headers.origin });
  // Spread by ±20 %, so that clients cut at once (a deploy) do not all come back at once.
  const retryMs = Math.max(0, Math.round(options.retryMs * (0.8 + 0.4 * (options.random ?? Math.random)())));
  const retry = encodeRetry(retryMs);
  socket.setTimeout(0);
  socket.write(chunked ? Buffer.concat([Buffer.from(head, 'latin1'), chunk(retry)]) : head + retry);
  return new SseSink(socket, { chunked, heartbeat, direct: options.directWrites });
}
