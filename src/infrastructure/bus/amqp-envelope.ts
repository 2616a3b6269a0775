import type { Options } from 'amqplib';
import { z } from 'zod';
import { isValidName } from '../../domain/name';
import type { EventId, EventName, JsonValue, StreamEvent } from '../../domain/stream-event';
import type { Topic } from '../../domain/topic';

/** One event as it travels over the exchange: a JSON body plus AMQP properties. */
export interface AmqpMessage {
  readonly content: Buffer;
  readonly options: Options.Publish;
}

export type Decoded =
  { readonly ok: true; readonly event: StreamEvent } | { readonly ok: false; readonly reason: string };

export const ENVELOPE_CONTENT_TYPE = 'application/json';

/**
 * The wire shape, version 1. The id is held to the topic alphabet as well:
 * it is written into the `id:` line of every stream, so it must not carry a
 * line break (and ULIDs fit it).
 */
const name = z.string().refine(isValidName, 'must be 1-128 characters of A-Za-z0-9._:-');
const envelopeSchema = z.object({
  v: z.literal(1),
  id: name,
  topic: name,
  event: name.optional(),
  // Parsed from JSON, so anything present is a JSON value; only absence is wrong.
  data: z.custom<JsonValue>((value) => value !== undefined, 'is missing'),
  publishedAt: z.number().int().nonnegative(),
});

export function encodeEnvelope(event: StreamEvent): AmqpMessage {
  const body = {
    v: 1,
    id: event.id,
    topic: event.topic,
    event: event.name,
    data: event.data,
    publishedAt: event.publishedAt,
  };
  return {
    content: Buffer.from(JSON.stringify(body), 'utf8'),
    options: {
      contentType: ENVELOPE_CONTENT_TYPE,
      contentEncoding: 'utf-8',
      messageId: event.id,
      type: 'stream-event',
      // AMQP timestamps are whole seconds; the body keeps the milliseconds.
      timestamp: Math.floor(event.publishedAt / 1000),
      // The queues are exclusive and transient, so persisting would buy nothing.
      persistent: false,
    },
  };
}

/** Parses and validates one message body; never throws. */
export function decodeEnvelope(content: Buffer, maxBytes: number): Decoded {
  if (content.length > maxBytes) return { ok: false, reason: `oversize: ${content.length} bytes > ${maxBytes}` };
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `invalid envelope: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() };
  }
  const { id, topic, event, data, publishedAt } = parsed.data;
  const named = event === undefined ? {} : { name: event as EventName };
  return { ok: true, event: { id: id as EventId, topic: topic as Topic, ...named, data, publishedAt } };
}
