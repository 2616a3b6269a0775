/** SPEC.md's rules for one broadcast, written out again on their own: what the hub must answer. */
import { deeperThan } from './json-depth';

const NAME = /^[A-Za-z0-9._:-]{1,128}$/;
const HUB_EVENTS = new Set(['reset', 'heartbeat', 'auth-expiring', 'unavailable']);
const FIELDS = new Set(['message', 'topic', 'event', 'private']);

const validName = (value: unknown): boolean => typeof value === 'string' && NAME.test(value);

/** The fields of a body that parsed: 202 if they are all valid (no JWT key, so `private: true` is not). */
function fieldsStatus(body: Record<string, unknown>): 202 | 400 {
  if (!('message' in body) || Object.keys(body).some((key) => !FIELDS.has(key))) return 400;
  if (deeperThan(body.message, 64)) return 400;
  if (body.topic !== undefined && !validName(body.topic)) return 400;
  if (body.event !== undefined && (!validName(body.event) || HUB_EVENTS.has(body.event as string))) return 400;
  if (body.private !== undefined && body.private !== false) return 400;
  return 202;
}

/** The status a loopback broadcast without PUBLISH_TOKEN must get, in SPEC.md's order (415, 413, 400). */
export function expectedBroadcastStatus(
  body: Uint8Array,
  contentType: string | undefined,
  idempotencyKey: string | undefined,
  maxBodyBytes: number,
): 202 | 400 | 413 | 415 {
  if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') return 415;
  if (body.length > maxBodyBytes) return 413;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return 400;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 400;
  const key = idempotencyKey?.trim() ?? '';
  if (key !== '' && !NAME.test(key)) return 400;
  return fieldsStatus(parsed as Record<string, unknown>);
}
