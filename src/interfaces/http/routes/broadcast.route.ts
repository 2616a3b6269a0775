import type Router from '@koa/router';
import type { Context } from 'koa';
import { is as typeIs } from 'type-is';
import { z } from 'zod';
import type { BroadcastMessage } from '../../../application/broadcast-message.use-case';
import { sendDomainError, sendError } from '../errors';
import { checkPublishAccess, type PublishPolicy } from '../publish-access';
import { readJsonBody } from '../read-json-body';
import { PATHS } from './paths';

export interface BroadcastOptions extends PublishPolicy {
  readonly maxBodyBytes: number;
}

/** The fields' shapes; their rules (names, reserved events, grants) are the use-case's. */
const BODY = z.strictObject({
  message: z.unknown(),
  topic: z.string().optional(),
  event: z.string().optional(),
  private: z.boolean().optional(),
});

function invalidFields(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  if (!('message' in body)) return '"message" is required';
  const parsed = BODY.safeParse(body);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** An answer given before the body was read ends the connection, so the rest of it is never read. */
const CLOSE = { Connection: 'close' };

/**
 * `POST /api/v1/sso/broadcast`. Checks run in SPEC.md's order, the first that fails answers, and nothing
 * is published unless all pass.
 */
export function broadcastRoute(router: Router, broadcast: BroadcastMessage, options: BroadcastOptions): void {
  router.post(PATHS.broadcast, async (ctx: Context) => {
    const access = await checkPublishAccess(options, ctx.req.headers, ctx.req.socket.remoteAddress);
    if (!access.allowed) {
      const challenge: Record<string, string> = access.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      return sendError(ctx, access.status, access.message, { ...challenge, ...CLOSE });
    }
    if (typeIs(ctx.get('Content-Type'), ['application/json']) === false) {
      return sendError(ctx, 415, 'Content-Type must be application/json', CLOSE);
    }
    // The body holds `message` one level down: it may nest one level more than the message itself.
    const body = await readJsonBody(ctx.req, options.maxBodyBytes, 1);
    if (!body.ok) {
      if (body.status === 'aborted') return;
      return sendError(ctx, body.status, body.message, body.status === 413 ? CLOSE : {});
    }
    const problem = invalidFields(body.value);
    if (problem !== undefined) return sendError(ctx, 400, problem);
    const fields = body.value as z.infer<typeof BODY>;
    const key = ctx.get('Idempotency-Key');
    const result = await broadcast.execute({
      ...fields,
      idempotencyKey: key === '' ? undefined : key,
      grant: access.grant,
    });
    if (!result.ok) return sendDomainError(ctx, result.error);
    ctx.status = 202;
    ctx.body = { success: true, code: 202, id: result.value.id };
  });
}
