import type { DomainError } from '../domain/errors';
import { rateData, rateTopic, validateQuote, type RateQuote } from '../domain/rate';
import { fail, ok, type Result } from '../domain/result';
import type { Clock } from './ports/clock.port';
import type { EventPublisher } from './ports/event-publisher.port';
import type { IdGenerator } from './ports/id-generator.port';

/** Turns a rate quote into a `rates.<BASE>-<QUOTE>` event and publishes it. */
export class IngestRate {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /**
   * Publishes `quote` with CoinAPI's data shape. A quote that is not a finite
   * positive rate with a parseable time is `invalid-input` and publishes nothing;
   * a bus that cannot take it is `bus-unavailable`.
   */
  async execute(quote: RateQuote): Promise<Result<{ readonly id: string }, DomainError>> {
    const valid = validateQuote(quote);
    if (!valid.ok) return valid;
    const publishedAt = this.clock.now();
    const id = this.ids.next(publishedAt);
    const event = { id, topic: rateTopic(quote), data: rateData(quote), publishedAt, private: false };
    const published = await this.publisher.publish(event);
    return published.ok ? ok({ id }) : fail(published.error);
  }
}
