import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UnavailableReason } from '../../../domain/errors';
import { writeJsonError } from '../json-error';
import { unavailableBody } from '../sse/sse-frames';
import { streamHeaders } from '../sse/sse-head';

export interface TurnAwayOptions {
  readonly retryMs: number;
  readonly corsOrigins: '*' | readonly string[];
  readonly random?: () => number;
}

/**
 * A stream this replica cannot take now (capacity, shutdown, too many replays at once). EventSource gives
 * up for good on any answer but 200, so it gets a 200 that says `unavailable` and when to try again (1 to 3
 * times RETRY_MS at random, so turned-away clients do not all return together); other clients get a 503.
 */
export function turnAway(
  req: IncomingMessage,
  res: ServerResponse,
  reason: UnavailableReason,
  options: TurnAwayOptions,
): number {
  const retryMs = Math.round(options.retryMs * (1 + 2 * (options.random ?? Math.random)()));
  if (!(req.headers.accept ?? '').includes('text/event-stream')) {
    const retryAfter = String(Math.max(1, Math.ceil(retryMs / 1000)));
    writeJsonError(res, 503, `stream unavailable: ${reason}`, { 'Retry-After': retryAfter, Connection: 'close' });
    return 503;
  }
  const body = unavailableBody(retryMs, reason);
  res.writeHead(200, {
    ...streamHeaders({ corsOrigins: options.corsOrigins, origin: req.headers.origin }),
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
  return 200;
}
