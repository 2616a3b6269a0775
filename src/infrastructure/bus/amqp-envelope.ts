import type { MessageProperties, Options } from 'amqplib';
import { parseEventName, parseIdempotencyKey } from '../../domain/event-name';
import { parseJsonText } from '../../domain/json-text';
import { isValidName } from '../../domain/name';
import type { EventId, StreamEvent } from '../../domain/stream-event';
import { parseTopic } from '../../domain/topic';
import type { Decoded } from './amqp-decoded';
import { decodeEnvelopeV1 } from './amqp-envelope-v1';

/** One event as it travels over the exchange: its data as the body, the rest as AMQP properties. */
export interface AmqpMessage {
  readonly content: Buffer;
  readonly options: Options.Publish;
}

export const ENVELOPE_VERSION = 2;

/**
 * Envelope v2: the body is the event's data, JSON bytes carried as they are (never parsed into objects
 * and written again, which made deep data a stack overflow and cost a copy); the id is the message id;
 * the rest are headers. A replica that meets a version or an `x-sse-` header it does not know drops the
 * message: stripping a field it does not understand (say `private`) could leak what it protects.
 */
const HEADER = {
  version: 'x-sse-v',
  topic: 'x-sse-topic',
  event: 'x-sse-event',
  private: 'x-sse-private',
  key: 'x-sse-key',
  publishedAt: 'x-sse-published-at',
} as const;
const KNOWN_HEADERS: ReadonlySet<string> = new Set(Object.values(HEADER));

/** The publish time a message states, unchecked otherwise (only to place it in time); undefined if none. */
export function statedPublishTime(headers: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const publishedAt = headers?.[HEADER.publishedAt];
  return typeof publishedAt === 'number' && Number.isSafeInteger(publishedAt) && publishedAt >= 0
    ? publishedAt
    : undefined;
}

export function encodeEnvelope(event: StreamEvent): AmqpMessage {
  const headers: Record<string, unknown> = {
    [HEADER.version]: ENVELOPE_VERSION,
    [HEADER.topic]: event.topic,
    [HEADER.private]: event.private,
    [HEADER.publishedAt]: event.publishedAt,
  };
  if (event.name !== undefined) headers[HEADER.event] = event.name;
  if (event.idempotencyKey !== undefined) headers[HEADER.key] = event.idempotencyKey;
  return {
    content: Buffer.from(event.data, 'utf8'),
    options: {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      messageId: event.id,
      type: 'sse-hub.event',
      // AMQP timestamps are whole seconds; the header keeps the milliseconds.
      timestamp: Math.floor(event.publishedAt / 1000),
      persistent: true,
      headers,
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const reject = (reason: string): Decoded => ({ ok: false, reason });

/** Validates one message from the bus (untrusted: any publisher can reach the exchange); never throws. */
export function decodeEnvelope(content: Buffer, properties: MessageProperties, maxBytes: number): Decoded {
  if (content.length > maxBytes) return reject(`oversize: ${content.length} bytes > ${maxBytes}`);
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const version = headers[HEADER.version];
  if (version === undefined) return decodeEnvelopeV1(content);
  if (version !== ENVELOPE_VERSION)
    return reject(`unknown envelope version ${typeof version === 'number' ? version : typeof version}`);
  const unknown = Object.keys(headers).find((name) => name.startsWith('x-sse-') && !KNOWN_HEADERS.has(name));
  if (unknown !== undefined) return reject(`unknown field ${unknown.slice(0, 64)}`);
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    return reject('data is not UTF-8');
  }
  const data = parseJsonText(text);
  if (!data.ok) return reject(`data: ${data.error.message}`);
  return fields(headers, properties.messageId, data.value);
}

function fields(headers: Record<string, unknown>, messageId: unknown, data: StreamEvent['data']): Decoded {
  if (typeof messageId !== 'string' || !isValidName(messageId)) return reject('invalid message id');
  const topic = parseTopic(stringOr(headers[HEADER.topic]));
  if (!topic.ok) return reject('invalid topic');
  const rawName = headers[HEADER.event];
  const name = rawName === undefined ? undefined : parseEventName(stringOr(rawName));
  if (name?.ok === false) return reject('invalid event name');
  const rawKey = headers[HEADER.key];
  const key = rawKey === undefined ? undefined : parseIdempotencyKey(stringOr(rawKey));
  if (key?.ok === false) return reject('invalid idempotency key');
  const isPrivate = headers[HEADER.private] ?? false;
  if (typeof isPrivate !== 'boolean') return reject('invalid private flag');
  const publishedAt = headers[HEADER.publishedAt];
  if (typeof publishedAt !== 'number' || !Number.isSafeInteger(publishedAt) || publishedAt < 0) {
    return reject('invalid publish time');
  }
  const event: StreamEvent = {
    id: messageId as EventId,
    topic: topic.value,
    ...(name?.ok === true && { name: name.value }),
    data,
    publishedAt,
    private: isPrivate,
    ...(key?.ok === true && { idempotencyKey: key.value }),
  };
  return { ok: true, event };
}

/** A header's string value; anything else as an empty string (which no rule accepts). */
const stringOr = (value: unknown): string =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : '';
