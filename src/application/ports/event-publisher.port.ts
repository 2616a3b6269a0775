import type { DomainError } from '../../domain/errors';
import type { Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';

/** The bus is down or did not confirm (`bus-unavailable`), or refuses the event as over its size limit (`too-large`). */
export type PublishFailure = Extract<DomainError, { code: 'bus-unavailable' } | { code: 'too-large' }>;

/** Hands events to the bus, which carries them to every replica's subscribers. */
export interface EventPublisher {
  /**
   * Resolves `ok` only once the bus has accepted `event` (RabbitMQ: the publisher confirm arrived);
   * otherwise `bus-unavailable` (down, nack, timeout: a timeout may still be delivered), or `too-large` (nothing
   * was sent). Never rejects.
   */
  publish(event: StreamEvent): Promise<Result<void, PublishFailure>>;
}
