import type { DomainError } from '../../domain/errors';
import { errorBody } from './json-error';

/** The slice of Koa's context an error answer needs (so the stream handler can answer outside Koa too). */
interface Answer {
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/** The one JSON error shape of SPEC.md. */
export function sendError(ctx: Answer, status: number, message: string, headers: Record<string, string> = {}): void {
  ctx.status = status;
  ctx.set(headers);
  ctx.body = errorBody(status, message);
}

const STATUS: Readonly<Record<DomainError['code'], number>> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'bus-unavailable': 503,
  'too-large': 413,
  unavailable: 503,
};

/** An expected failure's status and headers. */
export function domainErrorStatus(error: DomainError): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (error.code === 'bus-unavailable') headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error.code === 'unavailable') headers['Retry-After'] = '5';
  if (error.code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer';
  return { status: STATUS[error.code], headers };
}

/** Maps an expected failure to its status and envelope. */
export function sendDomainError(ctx: Answer, error: DomainError): void {
  const { status, headers } = domainErrorStatus(error);
  sendError(ctx, status, error.message, headers);
}
