import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscribe } from '../../../application/subscribe.use-case';
import { domainErrorStatus } from '../errors';
import { writeJsonError } from '../json-error';
import { chunk } from '../sse/http-chunk';
import { streamHead } from '../sse/sse-head';
import { encodeRetry } from '../sse/sse-encoder';
import { SseSink } from '../sse/sse-sink';

export interface StreamOptions {
  readonly retryMs: number;
  readonly clientBufferBytes: number;
  readonly corsOrigins: '*' | readonly string[];
}

/** A stream request answered; the status it got (for request metrics). */
export type StreamHandler = (req: IncomingMessage, res: ServerResponse) => number;

/**
 * The handshake of `GET /api/v1/sso/stream` on bare Node objects. Once the
 * subscription is accepted, the head and the `retry:` line go out in one write
 * and the Broker writes events to the socket through SseSink from then on;
 * `res` is never written to, and nothing per request outlives the handshake
 * but the socket and the sink.
 */
export function streamHandler(subscribe: Subscribe, options: StreamOptions): StreamHandler {
  return (req, res) => {
    if (res.socket === null) {
      // Pipelined behind an unfinished response: a stream written to the socket now would cut into it. Node
      // queues this answer until its turn (never, behind a stream) and stops reading once such answers pile up.
      writeJsonError(res, 400, 'a stream request cannot be pipelined behind another request on its connection');
      return 400;
    }
    const query = new URL(req.url ?? '/', 'http://stream').searchParams;
    const headerId = req.headers['last-event-id'];
    const result = subscribe.execute({
      topics: query.getAll('topic'),
      lastEventId: typeof headerId === 'string' && headerId !== '' ? headerId : (query.get('lastEventId') ?? undefined),
      open: () => open(req, options),
    });
    if (result.ok) {
      req.socket.once('close', result.value);
      return 200;
    }
    const { status, headers } = domainErrorStatus(result.error);
    writeJsonError(res, status, result.error.message, headers);
    return status;
  };
}

function open(req: IncomingMessage, options: StreamOptions): SseSink {
  const socket = req.socket;
  const chunked = req.httpVersionMajor > 1 || req.httpVersionMinor >= 1;
  const head = streamHead({ chunked, corsOrigins: options.corsOrigins, origin: req.headers.origin });
  const retry = encodeRetry(options.retryMs);
  socket.setTimeout(0);
  socket.write(chunked ? Buffer.concat([Buffer.from(head, 'latin1'), chunk(retry)]) : head + retry);
  return new SseSink(socket, options.clientBufferBytes, chunked);
}
