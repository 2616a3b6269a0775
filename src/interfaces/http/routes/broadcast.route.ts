import type Router from '@koa/router';
import type { Context } from 'koa';
import { is as typeIs } from 'type-is';
import { z } from 'zod';
import type { BroadcastMessage } from '../../../application/broadcast-message.use-case';
import type { JsonValue } from '../../../domain/stream-event';
import { sendDomainError, sendError } from '../errors';
import { checkPublishAccess } from '../publish-access';
import { readJsonBody } from '../read-json-body';
import { PATHS } from './paths';

export interface BroadcastOptions {
  readonly publishToken: string | undefined;
  readonly maxBodyBytes: number;
}

const NAME = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of A-Za-z0-9._:-');
const BODY = z.strictObject({ message: z.json(), topic: NAME.optional(), event: NAME.optional() });

function invalidFields(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  if (!('message' in body)) return '"message" is required';
  const parsed = BODY.safeParse(body);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/**
 * `POST /api/v1/sso/broadcast`. Checks run in SPEC.md's order, the first that
 * fails answers, and nothing is published unless all pass.
 */
export function broadcastRoute(router: Router, broadcast: BroadcastMessage, options: BroadcastOptions): void {
  router.post(PATHS.broadcast, async (ctx: Context) => {
    const denied = checkPublishAccess(
      options.publishToken,
      ctx.get('Authorization') || undefined,
      ctx.req.socket.remoteAddress,
      ctx.req.headers.host,
    );
    if (denied !== undefined) {
      const challenge = denied.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined;
      return sendError(ctx, denied.status, denied.message, challenge);
    }
    if (typeIs(ctx.get('Content-Type'), ['application/json']) === false) {
      return sendError(ctx, 415, 'Content-Type must be application/json');
    }
    const body = await readJsonBody(ctx.req, options.maxBodyBytes);
    if (!body.ok) {
      if (body.status === 'aborted') return;
      return sendError(ctx, body.status, body.message, body.status === 413 ? { Connection: 'close' } : {});
    }
    const problem = invalidFields(body.value);
    if (problem !== undefined) return sendError(ctx, 400, problem);
    const input = body.value as { message: JsonValue; topic?: string; event?: string };
    const result = await broadcast.execute(input);
    if (!result.ok) return sendDomainError(ctx, result.error);
    ctx.status = 202;
    ctx.body = { success: true, code: 202, id: result.value.id };
  });
}
