import type { StreamEvent } from '../../domain/stream-event';

/** What the bus tells this replica, in the bus's order. Neither method may throw. */
export interface BusListener {
  /** An event from any publisher (this replica included). */
  event(event: StreamEvent): void;
  /** Events were lost before this replica could read them (the stream's retention passed its position). */
  gap(): void;
}
