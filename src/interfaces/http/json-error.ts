import type { ServerResponse } from 'node:http';

/** The one JSON error shape of SPEC.md. */
export const errorBody = (status: number, message: string): { success: false; code: number; message: string } => ({
  success: false,
  code: status,
  message,
});

/** Answers an error outside Koa (the stream fast path), in the same shape. */
export function writeJsonError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(errorBody(status, message));
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
