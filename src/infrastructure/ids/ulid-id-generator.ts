import { monotonicFactory } from 'ulid';
import type { IdGenerator } from '../../application/ports/id-generator.port';
import type { EventId } from '../../domain/stream-event';

/**
 * ULIDs: 48 bits of milliseconds then 80 bits that count up within one
 * millisecond, in Crockford base32, so ids sort lexicographically in publish
 * order on one publisher and by time across publishers.
 */
export class UlidIdGenerator implements IdGenerator {
  private readonly make = monotonicFactory();

  next(now: number): EventId {
    return this.make(now) as EventId;
  }
}
