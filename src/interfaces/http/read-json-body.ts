import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413; readonly message: string }
  | { readonly ok: false; readonly status: 'aborted' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads at most `limit` bytes of a JSON body; an oversize body is refused without being read whole. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  let raw: Buffer;
  try {
    raw = await getRawBody(req, { length: req.headers['content-length'], limit });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return { ok: false, status: 413, message: `body is larger than ${limit} bytes` };
    if (type === 'request.aborted') return { ok: false, status: 'aborted' };
    return { ok: false, status: 400, message: 'body could not be read' };
  }
  try {
    return { ok: true, value: JSON.parse(utf8.decode(raw)) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'body is not valid JSON' };
  }
}
