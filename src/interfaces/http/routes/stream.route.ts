import type Router from '@koa/router';
import type { Context } from 'koa';
import { PATHS } from './paths';
import type { StreamHandler } from './stream.handler';

/**
 * `GET /api/v1/sso/stream` in the router (HEAD too: the same checks, no stream). A GET that reaches Koa
 * (the HTTP server normally hands it to the handler before Koa, so no Koa context lives as long as the
 * stream) is handed over here.
 */
export function streamRoute(router: Router, handle: StreamHandler): void {
  router.get(PATHS.stream, async (ctx: Context) => {
    ctx.respond = false;
    ctx.status = await handle(ctx.req, ctx.res);
  });
}
