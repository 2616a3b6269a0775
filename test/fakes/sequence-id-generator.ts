import type { IdGenerator } from '../../src/application/ports/id-generator.port';
import type { EventId } from '../../src/domain/stream-event';

/** Ids `id-000001`, `id-000002`, …: predictable, and they sort in the order they were made. */
export class SequenceIdGenerator implements IdGenerator {
  /** The `now` each id was asked for with, in order. */
  readonly times: number[] = [];

  next(now: number): EventId {
    this.times.push(now);
    return sequenceId(this.times.length);
  }
}

export const sequenceId = (n: number): EventId => `id-${String(n).padStart(6, '0')}` as EventId;
