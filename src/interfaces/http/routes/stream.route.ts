import type Router from '@koa/router';
import type { Context } from 'koa';
import { streamHeaders } from '../sse/sse-head';
import { PATHS } from './paths';
import type { StreamHandler, StreamOptions } from './stream.handler';

/**
 * `GET /api/v1/sso/stream` in the router: HEAD gets the headers; a GET that
 * reaches Koa (the HTTP server normally hands it to the handler before Koa, so
 * no Koa context lives as long as the stream) is handed over here.
 */
export function streamRoute(router: Router, handle: StreamHandler, options: StreamOptions): void {
  router.get(PATHS.stream, async (ctx: Context) => {
    if (ctx.method === 'HEAD') {
      ctx.set(streamHeaders({ corsOrigins: options.corsOrigins, origin: ctx.get('Origin') || undefined }));
      ctx.status = 200;
      return;
    }
    ctx.respond = false;
    ctx.status = await handle(ctx.req, ctx.res);
  });
}
