import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Subscribe } from '../../../application/subscribe.use-case';
import { corsHeaders } from '../cors';
import { sendDomainError } from '../errors';
import { SseSink } from '../sse/sse-sink';
import { encodeRetry } from '../sse/sse-encoder';
import { PATHS } from './paths';

export interface StreamOptions {
  readonly retryMs: number;
  readonly clientBufferBytes: number;
  readonly corsOrigins: '*' | readonly string[];
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * `GET /api/v1/sso/stream`: Koa does the handshake only. Once the subscription
 * is accepted the response head and the `retry:` line go out in one write, and
 * from then on events are written to the socket by the Broker through SseSink.
 */
export function streamRoute(router: Router, subscribe: Subscribe, options: StreamOptions): void {
  router.get(PATHS.stream, (ctx: Context) => {
    if (ctx.method === 'HEAD') return head(ctx, options);
    const headerId = ctx.get('Last-Event-ID');
    const result = subscribe.execute({
      topics: asList(ctx.query.topic),
      lastEventId: headerId !== '' ? headerId : asList(ctx.query.lastEventId)[0],
      open: () => open(ctx, options),
    });
    if (!result.ok) return sendDomainError(ctx, result.error);
    ctx.req.socket.once('close', result.value);
  });
}

const streamHeaders = (ctx: Context, options: StreamOptions): Record<string, string> => ({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
  ...corsHeaders(options.corsOrigins, ctx.get('Origin') || undefined),
});

/** HEAD gets the stream's headers and no body (the router routes HEAD to GET handlers). */
function head(ctx: Context, options: StreamOptions): void {
  ctx.set(streamHeaders(ctx, options));
  ctx.status = 200;
}

function open(ctx: Context, options: StreamOptions): SseSink {
  const { req, res } = ctx;
  ctx.status = 200;
  ctx.respond = false;
  res.writeHead(200, streamHeaders(ctx, options));
  // Node frames this first write as a chunk and sends it with the head.
  res.write(encodeRetry(options.retryMs));
  req.socket.setTimeout(0);
  return new SseSink(req.socket, options.clientBufferBytes, res.chunkedEncoding);
}
