import type { StreamEvent } from '../../domain/stream-event';

/** What the bus tells this replica, in the bus's order. Neither method may throw. */
export interface BusListener {
  /** An event from any publisher (this replica included). */
  event(event: StreamEvent): void;
  /** Events were lost before this replica could read them (the stream's retention passed its position). */
  gap(): void;
  /**
   * An event from just before what this replica loads at start, read so that repeats among the first
   * events it loads are judged as the replicas that saw them live judged them; never delivered.
   */
  recall?(event: StreamEvent): void;
}
