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
    let status: number;
    try {
      status = handle(req, res);
    } catch (error) {
      // Outside Koa's error guard: a bug here must answer 500, never take the process down.
      onError(error);
      status = 500;
      if (!res.headersSent && !res.writableEnded) writeJsonError(res, 500, 'internal error');
      else req.socket.destroy();
    }
    observe('GET', PATHS.stream, status);
    return true;
  };
}
