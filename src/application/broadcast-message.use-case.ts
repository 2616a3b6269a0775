import { invalidInput, unavailable, type DomainError } from '../domain/errors';
import { parseEventName, parseIdempotencyKey } from '../domain/event-name';
import type { Grant } from '../domain/grant';
import type { IdempotencyLedger } from '../domain/idempotency';
import { jsonTextOf } from '../domain/json-text';
import { fail, ok, type Result } from '../domain/result';
import type { EventName, IdempotencyKey, StreamEvent } from '../domain/stream-event';
import { BROADCAST_TOPIC, parseTopic, type Topic } from '../domain/topic';
import type { KeyedPublishes } from './keyed-publishes';
import type { Clock } from './ports/clock.port';
import type { EventPublisher } from './ports/event-publisher.port';
import type { IdGenerator } from './ports/id-generator.port';

export interface BroadcastInput {
  /** Any JSON value, null included, nesting at most MAX_JSON_DEPTH levels (the edge checked it). */
  readonly message: unknown;
  readonly topic?: string | undefined;
  readonly event?: string | undefined;
  readonly private?: boolean | undefined;
  readonly idempotencyKey?: string | undefined;
  /** The publisher's JWT grant; undefined when PUBLISH_TOKEN or loopback let it publish to any topic. */
  readonly grant?: Grant | undefined;
}

export interface BroadcastSettings {
  /** A JWT key is configured, so some subscriber could read a private event. */
  readonly privateAllowed: boolean;
  /** Stream mode: a keyed broadcast is answered once its event has come back from the bus. */
  readonly echoThroughBus: boolean;
  readonly echoTimeoutMs: number;
  /** False from shutdown on: nothing is acknowledged that no stream will carry. */
  readonly accepting: () => boolean;
}

export interface BroadcastParts {
  readonly publisher: EventPublisher;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly ledger: IdempotencyLedger;
  readonly keyed: KeyedPublishes;
}

type Outcome = Result<{ readonly id: string }, DomainError>;

/** Publishes a REST client's message to every subscriber of every replica. */
export class BroadcastMessage {
  private readonly inFlight = new Map<string, Promise<Outcome>>();

  constructor(
    private readonly parts: BroadcastParts,
    private readonly settings: BroadcastSettings,
  ) {}

  /**
   * Validates the topic, event name and key (`invalid-input`), the grant's reach (`forbidden`), then
   * (unless shutting down: `unavailable`) publishes `{"message": …}` and resolves with the id once the bus accepted it (`bus-unavailable`
   * otherwise, and then nothing was published, unless it was a confirm that timed out). A key seen within
   * 10 minutes answers with the first event's id and publishes nothing.
   */
  async execute(input: BroadcastInput): Promise<Outcome> {
    const fields = this.validate(input);
    if (!fields.ok) return fields;
    const { topic, name, key } = fields.value;
    if (!this.settings.accepting()) return fail(unavailable('shutdown', 'this server is shutting down'));
    if (key === undefined) return this.publish(input, topic, name, undefined);
    const first = this.parts.ledger.firstId(key, this.parts.clock.now());
    if (first !== undefined) return ok({ id: first });
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const outcome = this.publish(input, topic, name, key);
    this.inFlight.set(key, outcome);
    try {
      return await outcome;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private validate(
    input: BroadcastInput,
  ): Result<{ topic: Topic; name?: EventName; key?: IdempotencyKey }, DomainError> {
    const topic = input.topic === undefined ? ok(BROADCAST_TOPIC) : parseTopic(input.topic);
    if (!topic.ok) return topic;
    const name = input.event === undefined ? ok(undefined) : parseEventName(input.event);
    if (!name.ok) return name;
    const key = input.idempotencyKey === undefined ? ok(undefined) : parseIdempotencyKey(input.idempotencyKey);
    if (!key.ok) return key;
    if (input.private === true && !this.settings.privateAllowed) {
      return fail(invalidInput('"private" needs a JWT key on the hub: no subscriber could read the event'));
    }
    if (input.grant !== undefined && !input.grant.publish.matches(topic.value)) {
      return fail({ code: 'forbidden', message: `the token may not publish to topic "${topic.value}"` });
    }
    return ok({ topic: topic.value, ...(name.value && { name: name.value }), ...(key.value && { key: key.value }) });
  }

  private async publish(input: BroadcastInput, topic: Topic, name?: EventName, key?: IdempotencyKey): Promise<Outcome> {
    const { publisher, ids, clock, keyed } = this.parts;
    const publishedAt = clock.now();
    const id = ids.next(publishedAt);
    const data = jsonTextOf({ message: input.message ?? null });
    const event: StreamEvent = {
      id,
      topic,
      name,
      data,
      publishedAt,
      private: input.private === true,
      idempotencyKey: key,
    };
    const echoed =
      key !== undefined && this.settings.echoThroughBus ? keyed.echo(id, this.settings.echoTimeoutMs) : undefined;
    const published = await publisher.publish(event);
    if (!published.ok) {
      echoed?.cancel();
      return fail(published.error);
    }
    if (echoed === undefined) {
      if (key === undefined) return ok({ id });
      // Known from the confirm on, not only once it is back from the bus: a repeat meanwhile must find it.
      this.parts.ledger.admit(event);
      return ok({ id: this.parts.ledger.firstId(key, publishedAt) ?? id });
    }
    const delivered = await echoed.delivered;
    if (delivered === undefined) {
      return fail({
        code: 'bus-unavailable',
        message: 'the event was accepted but has not come back from the bus yet; retry with the same Idempotency-Key',
        retryAfterSeconds: 1,
      });
    }
    return ok({ id: delivered });
  }
}
