import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import type { Logger } from 'pino';
import type { BroadcastMessage } from '../../application/broadcast-message.use-case';
import { sendError } from './errors';
import { broadcastRoute, type BroadcastOptions } from './routes/broadcast.route';
import { dashboardRoute } from './routes/dashboard.route';
import { opsRoutes, type OpsOptions } from './routes/ops.route';
import type { DashboardOptions } from './routes/dashboard.route';
import type { StreamHandler, StreamOptions } from './routes/stream.handler';
import { streamRoute } from './routes/stream.route';

/** Counts requests by route pattern (bounded cardinality), not by raw URL. */
export type RequestObserver = (method: string, route: string, status: number) => void;

export interface AppDeps {
  readonly logger: Logger;
  /** True from shutdown on: every answer then closes its connection. */
  readonly shuttingDown: () => boolean;
  readonly observeRequest: RequestObserver;
  readonly ops: OpsOptions;
  /** Absent for a `fetcher`, which serves only the ops endpoints. */
  readonly streams?: {
    readonly handle: StreamHandler;
    readonly broadcast: BroadcastMessage;
    readonly options: StreamOptions & BroadcastOptions & DashboardOptions;
  };
}

/** Middleware order: error guard → request accounting → JSON 404/405 (on the way out) → routes. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  const router = new Router();
  opsRoutes(router, deps.ops);
  if (deps.streams !== undefined) {
    streamRoute(router, deps.streams.handle);
    broadcastRoute(router, deps.streams.broadcast, deps.streams.options);
    dashboardRoute(router, deps.streams.options);
  }
  app.use(errorGuard(deps.logger));
  app.use(closeWhenShuttingDown(deps.shuttingDown));
  app.use(accounting(deps.observeRequest));
  app.use(jsonFallbacks);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (error: unknown) => deps.logger.debug({ err: error }, 'request error'));
  return app;
}

/** Anything unexpected becomes a 500 envelope, logged once; the process carries on. */
function errorGuard(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (error) {
      logger.error({ err: error, method: ctx.method, path: pathOf(ctx) }, 'request failed');
      if (ctx.respond === false || ctx.headerSent) return;
      sendError(ctx, 500, 'internal error');
    }
  };
}

/** Keep-alive connections must not outlive the process: from shutdown on, each answer is the last on its connection. */
function closeWhenShuttingDown(shuttingDown: () => boolean) {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (shuttingDown()) ctx.set('Connection', 'close');
  };
}

function accounting(observe: RequestObserver) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } finally {
      observe(ctx.method, ctx._matchedRoute === undefined ? 'unmatched' : String(ctx._matchedRoute), ctx.status);
    }
  };
}

/** The path for a log line: Koa's getter throws on a target it cannot parse. Never the query (tokens). */
function pathOf(ctx: Context): string {
  try {
    return ctx.path;
  } catch {
    return '(unparsable)';
  }
}

/**
 * Koa and the router answer 404, 405 and 501 (a method no route has, such as PROPFIND) in plain text;
 * SPEC.md wants the JSON envelope, and only 404 (unknown path) or 405 with `Allow` (known path).
 */
async function jsonFallbacks(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.body !== undefined && ctx.body !== null) return;
  const allow = ctx.response.get('Allow');
  // A 501 (a method no route has) with no Allow is on a path no route has either.
  if (ctx.status === 404 || (ctx.status === 501 && allow === '')) {
    ctx.remove('Allow');
    sendError(ctx, 404, `no such path: ${ctx.path}`);
  } else if (ctx.status === 405 || ctx.status === 501) {
    sendError(ctx, 405, `method ${ctx.method} is not allowed here; allowed: ${allow}`);
  }
}
