import type { Topic } from './topic';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * An id made once by the publisher and carried unchanged to every replica.
 * Ids sort lexicographically in publish order.
 */
export type EventId = string & { readonly __brand: 'EventId' };

/** Optional SSE `event:` name, validated like a topic. */
export type EventName = string & { readonly __brand: 'EventName' };

export interface StreamEvent {
  readonly id: EventId;
  readonly topic: Topic;
  readonly name?: EventName | undefined;
  readonly data: JsonValue;
  /** Epoch milliseconds at the publisher. */
  readonly publishedAt: number;
}
