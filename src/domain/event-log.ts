import type { StreamEvent } from './stream-event';

/** One answer of a read of the bus's log. */
export type LogBatch =
  | { readonly kind: 'events'; readonly events: readonly StreamEvent[] }
  | { readonly kind: 'end' | 'not-found' | 'ahead' | 'failed' };

/** A paced read of the bus's log: the next batch is fetched when asked for. */
export interface EventLogRead {
  /**
   * The next events in the log's order (at least one), `end` once the read has reached the last event this
   * replica had fanned out when the read was opened, `not-found` when the id it started after is not in the
   * log (older than its retention, never there) or the read would be too long, `ahead` when the id comes after
   * that last event (the client comes from a replica that is further on), `failed` when the read broke.
   * Never rejects.
   */
  next(): Promise<LogBatch>;
  /** Stops reading and releases the read's resources; safe to call twice. */
  close(): void;
}

/** The bus's durable log of past events, when it has one (RabbitMQ stream mode): replays beyond the history. */
export interface EventLog {
  /**
   * Opens a read of the events after `afterId`, up to the last one this replica has fanned out (fixed now,
   * synchronously); `busy` when too many reads run at once.
   */
  readAfter(afterId: string): EventLogRead | 'busy';
}
