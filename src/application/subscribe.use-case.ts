import { Audience } from '../domain/audience';
import type { Broker } from '../domain/broker';
import { unavailable, type DomainError } from '../domain/errors';
import type { Grant } from '../domain/grant';
import { fail, ok, type Result } from '../domain/result';
import type { Subscriber } from '../domain/subscriber';
import type { EventSink } from '../domain/subscription';
import { TopicSelection } from '../domain/topic-selection';
import { parseStart, type StartQuery } from './replay-start';

export interface SubscribeInput extends StartQuery {
  /** The subscriber's verified grant; undefined for an anonymous subscriber. */
  readonly grant: Grant | undefined;
  /** `topic` query values; none means every event. */
  readonly topics: readonly string[];
  /** Opens the client's stream, once the subscription is certain, and returns where its events go. */
  readonly open: () => EventSink;
}

export interface SubscribeLimits {
  readonly maxClients: number;
  readonly historySize: number;
  /** False from shutdown on. */
  readonly accepting: () => boolean;
}

/** Cancels a subscription (the client went away). Safe to call twice. */
export type Unsubscribe = () => void;

/** Opens a live subscription for one client, with its replay first. */
export class Subscribe {
  constructor(
    private readonly broker: Broker,
    private readonly limits: SubscribeLimits,
  ) {}

  /** The query checks of `execute` alone (for `HEAD`, which answers as `GET` would but opens nothing). */
  check(input: Omit<SubscribeInput, 'grant' | 'open'>): Result<void, DomainError> {
    const topics = TopicSelection.parse(input.topics);
    if (!topics.ok) return topics;
    const start = parseStart(input, this.limits.historySize);
    return start.ok ? ok(undefined) : start;
  }

  /**
   * Checks the query (`invalid-input`), then whether this replica takes the stream now (`unavailable`:
   * shutdown, capacity, or too many replays from the bus's log), then registers it, opening its stream.
   * Private events reach it only where its grant covers their topic.
   */
  execute(input: SubscribeInput): Result<Unsubscribe, DomainError> {
    const topics = TopicSelection.parse(input.topics);
    if (!topics.ok) return topics;
    const start = parseStart(input, this.limits.historySize);
    if (!start.ok) return start;
    if (!this.limits.accepting()) return fail(unavailable('shutdown', 'this server is shutting down'));
    if (this.broker.size >= this.limits.maxClients) {
      return fail(unavailable('capacity', `this server already holds ${this.limits.maxClients} streams`));
    }
    const audience = new Audience(topics.value, input.grant?.subscribe);
    const subscribed = this.broker.subscribe({
      audience,
      start: start.value,
      expiresAt: input.grant?.expiresAt,
      open: input.open,
    });
    if (subscribed === 'busy') return fail(unavailable('busy', 'too many replays from the bus are running'));
    const subscriber: Subscriber = subscribed;
    return ok(() => this.broker.unsubscribe(subscriber));
  }
}
