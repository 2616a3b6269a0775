import type { Context } from 'koa';
import type { DomainError } from '../../domain/errors';

/** The one JSON error shape of SPEC.md. */
export function sendError(ctx: Context, status: number, message: string, headers: Record<string, string> = {}): void {
  ctx.status = status;
  ctx.set(headers);
  ctx.body = { success: false, code: status, message };
}

const STATUS: Readonly<Record<DomainError['code'], number>> = {
  'invalid-input': 400,
  'bus-unavailable': 503,
  'too-many-clients': 503,
};

/** Maps an expected failure to its status and envelope. */
export function sendDomainError(ctx: Context, error: DomainError): void {
  const headers: Record<string, string> = {};
  if (error.code === 'bus-unavailable') headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error.code === 'too-many-clients') headers['Retry-After'] = '5';
  sendError(ctx, STATUS[error.code], error.message, headers);
}
