import type { Broker } from '../domain/broker';
import type { DomainError } from '../domain/errors';
import { fail, ok, type Result } from '../domain/result';
import type { EventSink } from '../domain/subscription';
import { TopicSelection } from '../domain/topic-selection';

export interface SubscribeInput {
  /** `topic` query values; none means every event. */
  readonly topics: readonly string[];
  /** From the Last-Event-ID header or query; empty means none. */
  readonly lastEventId?: string | undefined;
  /** Opens the client's stream, once the subscription is accepted, and returns where its events go. */
  readonly open: () => EventSink;
}

/** Cancels a subscription (the client went away). Safe to call twice. */
export type Unsubscribe = () => void;

/** Opens a live subscription for one client, resuming after its last event id. */
export class Subscribe {
  constructor(
    private readonly broker: Broker,
    private readonly maxClients: number,
  ) {}

  /**
   * Parses the topic filters before anything is registered (`invalid-input`),
   * refuses past the client limit (`too-many-clients`), then registers the sink
   * and replays what followed `lastEventId` (a reset first when the history no
   * longer holds it).
   */
  execute(input: SubscribeInput): Result<Unsubscribe, DomainError> {
    const selection = TopicSelection.parse(input.topics);
    if (!selection.ok) return selection;
    if (this.broker.size >= this.maxClients) {
      return fail({ code: 'too-many-clients', message: `this server already holds ${this.maxClients} streams` });
    }
    const lastEventId = input.lastEventId === '' ? undefined : input.lastEventId;
    const subscription = this.broker.subscribe(selection.value, input.open(), lastEventId);
    return ok(() => this.broker.unsubscribe(subscription));
  }
}
