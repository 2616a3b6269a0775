import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { jsonDepth, MAX_JSON_DEPTH } from '../../domain/json-text';

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413; readonly message: string }
  | { readonly ok: false; readonly status: 'aborted' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads at most `limit` bytes of a JSON body (an oversize body is refused without being read whole) that
 * nests at most `MAX_JSON_DEPTH + extraDepth` levels: the depth is counted on the text before anything
 * parses it, so no code that walks the value later can overflow the stack.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, extraDepth = 0): Promise<BodyResult> {
  let text: string;
  try {
    text = utf8.decode(await getRawBody(req, { length: req.headers['content-length'], limit }));
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return { ok: false, status: 413, message: `body is larger than ${limit} bytes` };
    if (type === 'request.aborted') return { ok: false, status: 'aborted' };
    if (error instanceof TypeError) return { ok: false, status: 400, message: 'body is not UTF-8' };
    return { ok: false, status: 400, message: 'body could not be read' };
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH + extraDepth) {
    return { ok: false, status: 400, message: `"message" nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'body is not valid JSON' };
  }
}
