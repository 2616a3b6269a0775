import type Router from '@koa/router';
import type { Context } from 'koa';
import { loadDashboardAssets, type DashboardAsset } from '../../dashboard/dashboard-assets';

export interface DashboardOptions {
  readonly retryMs: number;
  readonly heartbeatMs: number;
  readonly historySize: number;
  readonly publishToken: string | undefined;
  /** Set when JWTs are checked: broadcasting then always needs a token. */
  readonly verifier: object | undefined;
}

/** The page talks only to its own origin; nothing inline runs, so injected markup could not either. */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

/** Unversioned URLs: the browser revalidates every time and gets a 304 while the ETag holds. */
function send(ctx: Context, asset: DashboardAsset, headers: Readonly<Record<string, string>> = {}): void {
  ctx.set({ ...headers, 'Cache-Control': 'no-cache', ETag: asset.etag, 'X-Content-Type-Options': 'nosniff' });
  ctx.type = asset.contentType;
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = asset.body;
}

/**
 * `GET /` (the live dashboard) and `GET /dashboard/<file>` (its script, style
 * and icon), served from memory. An unknown file falls through to the JSON 404.
 */
export function dashboardRoute(router: Router, options: DashboardOptions): void {
  const assets = loadDashboardAssets({
    retryMs: options.retryMs,
    heartbeatMs: options.heartbeatMs,
    historySize: options.historySize,
    tokenRequired: options.publishToken !== undefined || options.verifier !== undefined,
    privateTopics: options.verifier !== undefined,
  });
  const page = assets.get('index.html');
  if (page === undefined) throw new Error('dashboard: index.html missing');
  router.get('/', (ctx: Context) => send(ctx, page, PAGE_HEADERS));
  router.get('/dashboard/:file', (ctx: Context) => {
    const { file: name } = ctx.params as Partial<Record<string, string>>;
    const asset = name === undefined || name === 'index.html' ? undefined : assets.get(name);
    if (asset !== undefined) send(ctx, asset);
  });
}
