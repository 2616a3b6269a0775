import { type DomainError } from '../domain/errors';
import { parseEventName } from '../domain/event-name';
import { fail, ok, type Result } from '../domain/result';
import type { EventName, JsonValue } from '../domain/stream-event';
import { BROADCAST_TOPIC, parseTopic } from '../domain/topic';
import type { Clock } from './ports/clock.port';
import type { EventBus } from './ports/event-bus.port';
import type { IdGenerator } from './ports/id-generator.port';

export interface BroadcastInput {
  readonly message: JsonValue;
  readonly topic?: string | undefined;
  readonly event?: string | undefined;
}

/** Publishes a REST client's message to every subscriber of every replica. */
export class BroadcastMessage {
  constructor(
    private readonly bus: EventBus,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /**
   * Validates the topic and event name, assigns the event id and publishes
   * `{"message": …}`. Resolves with the id once the bus accepted the event;
   * `invalid-input` or `bus-unavailable` otherwise, and then nothing was published.
   */
  async execute(input: BroadcastInput): Promise<Result<{ readonly id: string }, DomainError>> {
    const topic = input.topic === undefined ? ok(BROADCAST_TOPIC) : parseTopic(input.topic);
    if (!topic.ok) return topic;
    let name: EventName | undefined;
    if (input.event !== undefined) {
      const parsed = parseEventName(input.event);
      if (!parsed.ok) return parsed;
      name = parsed.value;
    }
    const publishedAt = this.clock.now();
    const id = this.ids.next(publishedAt);
    const data = { message: input.message };
    const published = await this.bus.publish({ id, topic: topic.value, name, data, publishedAt });
    return published.ok ? ok({ id }) : fail(published.error);
  }
}
