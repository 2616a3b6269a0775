import type { Topic } from './topic';

/**
 * An id made once by the publisher and carried unchanged to every replica.
 * Ids made by one publishing process sort lexicographically in its publish order.
 */
export type EventId = string & { readonly __brand: 'EventId' };

/** Optional SSE `event:` name, validated like a topic. */
export type EventName = string & { readonly __brand: 'EventName' };

/** A client's key for a publish it may retry: of the events with one key within 10 minutes only the first is delivered. */
export type IdempotencyKey = string & { readonly __brand: 'IdempotencyKey' };

/**
 * Well-formed JSON text nesting at most MAX_JSON_DEPTH levels (see json-text.ts): carried and written as it
 * is, never parsed and stringified again, so no value can be too deep for the code that writes it.
 */
export type JsonText = string & { readonly __brand: 'JsonText' };

export interface StreamEvent {
  readonly id: EventId;
  readonly topic: Topic;
  readonly name?: EventName | undefined;
  readonly data: JsonText;
  /** Epoch milliseconds at the publisher. */
  readonly publishedAt: number;
  /** Only subscribers whose grant covers the topic may read it. */
  readonly private: boolean;
  readonly idempotencyKey?: IdempotencyKey | undefined;
}
