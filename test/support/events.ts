import { jsonTextOf } from '../../src/domain/json-text';
import type { EventId, EventName, IdempotencyKey, JsonText, StreamEvent } from '../../src/domain/stream-event';
import type { Topic } from '../../src/domain/topic';

/** The JSON text of a test value. */
export const json = (value: unknown): JsonText => jsonTextOf(value);

/** An event with defaults (topic broadcast, data {"n": id}, public, published at 0), fields overridden as given. */
export function testEvent(
  id: string,
  fields: {
    topic?: string;
    name?: string;
    data?: unknown;
    publishedAt?: number;
    private?: boolean;
    key?: string;
  } = {},
): StreamEvent {
  return {
    id: id as EventId,
    topic: (fields.topic ?? 'broadcast') as Topic,
    name: fields.name as EventName | undefined,
    data: json('data' in fields ? fields.data : { n: id }),
    publishedAt: fields.publishedAt ?? 0,
    private: fields.private ?? false,
    idempotencyKey: fields.key as IdempotencyKey | undefined,
  };
}
