import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestObserver } from '../app';
import { writeJsonError } from '../json-error';
import { PATHS } from './paths';
import type { StreamHandler } from './stream.handler';

/** The path exactly, with or without a query. */
const isStreamUrl = (url: string): boolean =>
  url.startsWith(PATHS.stream) && (url.length === PATHS.stream.length || url[PATHS.stream.length] === '?');

/** Takes a request before Koa when it can; false hands it on to Koa. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `GET /api/v1/sso/stream` skips Koa: Koa keeps every request's context
 * reachable until its response finishes, and a stream's never does, which would
 * cost kilobytes per idle client. Variants of the path (trailing slash, case)
 * and other methods still go through the router, which hands GET to the same handler.
 */
export function streamFastPath(
  handle: StreamHandler,
  observe: RequestObserver,
  onError: (error: unknown) => void,
): FastPath {
  return (req, res) => {
    if (req.method !== 'GET' || !isStreamUrl(req.url ?? '')) return false;
    handle(req, res).then(
      (status) => observe('GET', PATHS.stream, status),
      (error: unknown) => {
        // Outside Koa's error guard: a bug here must answer 500 (the handler has not begun a stream when
        // it rejects), never take the process down.
        onError(error);
        if (!res.headersSent && !res.writableEnded) writeJsonError(res, 500, 'internal error', { Connection: 'close' });
        else req.socket.destroy();
        observe('GET', PATHS.stream, 500);
      },
    );
    return true;
  };
}
