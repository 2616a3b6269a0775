import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestObserver } from '../app';
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
export function streamFastPath(handle: StreamHandler, observe: RequestObserver): FastPath {
  return (req, res) => {
    if (req.method !== 'GET' || !isStreamUrl(req.url ?? '')) return false;
    observe('GET', PATHS.stream, handle(req, res));
    return true;
  };
}
