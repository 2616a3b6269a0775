import type { EventId } from '../../domain/stream-event';

/** Makes event ids at the publisher. */
export interface IdGenerator {
  /** A new id that sorts after every id this generator made before, and after ids made at earlier times anywhere. */
  next(now: number): EventId;
}
