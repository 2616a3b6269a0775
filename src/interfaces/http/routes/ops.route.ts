import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Readiness } from '../../../application/ports/readiness';
import { sendError } from '../errors';
import { PATHS } from './paths';

export interface OpsOptions {
  readonly readiness: () => Readiness;
  readonly metrics: () => Promise<{ readonly contentType: string; readonly body: string }>;
}

/** `/healthz` (the process runs), `/readyz` (it can do its job now) and `/metrics` (Prometheus). */
export function opsRoutes(router: Router, options: OpsOptions): void {
  router.get(PATHS.healthz, (ctx: Context) => {
    ctx.body = { success: true, code: 200, status: 'ok' };
  });
  router.get(PATHS.readyz, (ctx: Context) => {
    const readiness = options.readiness();
    if (!readiness.ready) return sendError(ctx, 503, readiness.reason);
    ctx.body = { success: true, code: 200, status: 'ready' };
  });
  router.get(PATHS.metrics, async (ctx: Context) => {
    const { contentType, body } = await options.metrics();
    ctx.type = contentType;
    ctx.body = body;
  });
}
