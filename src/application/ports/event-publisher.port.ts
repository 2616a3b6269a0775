import type { DomainError } from '../../domain/errors';
import type { Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';

export type BusUnavailable = Extract<DomainError, { code: 'bus-unavailable' }>;

/** Hands events to the bus, which carries them to every replica's subscribers. */
export interface EventPublisher {
  /**
   * Resolves `ok` only once the bus has accepted `event` (RabbitMQ: the publisher confirm arrived);
   * otherwise `bus-unavailable` (down, nack, timeout: a timeout may still be delivered). Never rejects.
   */
  publish(event: StreamEvent): Promise<Result<void, BusUnavailable>>;
}
