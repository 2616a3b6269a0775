import { z } from 'zod';
import { parseEventName } from '../../domain/event-name';
import { jsonDepth, jsonTextOf, MAX_JSON_DEPTH } from '../../domain/json-text';
import { isValidName } from '../../domain/name';
import type { EventId, StreamEvent } from '../../domain/stream-event';
import type { Topic } from '../../domain/topic';
import type { Decoded } from './amqp-decoded';

const name = z.string().refine(isValidName);
// Strict: a field v1 never had (`private`, say) drops the message; stripping it would leak a private event.
const envelopeSchema = z.strictObject({
  v: z.literal(1),
  id: name,
  topic: name,
  event: name.optional(),
  data: z.custom<unknown>((value) => value !== undefined, 'is missing'),
  publishedAt: z.number().int().nonnegative(),
});

/**
 * Envelope v1, what replicas of the previous release publish (a JSON object holding the data), read during
 * a rolling upgrade. It has no `private` flag, so every v1 event is public, as it was. The depth is checked
 * on the text first, so writing the data again cannot overflow the stack.
 */
export function decodeEnvelopeV1(content: Buffer): Decoded {
  const text = content.toString('utf8');
  if (jsonDepth(text) > MAX_JSON_DEPTH + 1) return { ok: false, reason: `data nests deeper than ${MAX_JSON_DEPTH}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'not an envelope of a known version, or a field it does not know' };
  const { id, topic, event, data, publishedAt } = parsed.data;
  const eventName = event === undefined ? undefined : parseEventName(event);
  if (eventName?.ok === false) return { ok: false, reason: 'invalid event name' };
  const decoded: StreamEvent = {
    id: id as EventId,
    topic: topic as Topic,
    ...(eventName?.ok === true && { name: eventName.value }),
    data: jsonTextOf(data),
    publishedAt,
    private: false,
  };
  return { ok: true, event: decoded };
}
