import type { BusListener } from '../../application/ports/bus-listener.port';
import type { EventPublisher } from '../../application/ports/event-publisher.port';
import type { Readiness } from '../../application/ports/readiness';

/**
 * What the composition root does with a bus adapter: the use-cases only publish (EventPublisher), the
 * fan-out only listens (BusListener); starting, stopping and readiness are lifecycle.
 */
export interface EventBus extends EventPublisher {
  /** Registers `listener` for every event from the bus, this replica's included. Call before `start`. */
  listen(listener: BusListener): void;
  /** Ready when connected (and consuming, if anyone listens). */
  readiness(): Readiness;
  /** Connects; resolves once usable or retrying in the background (never rejects for a down broker). */
  start(): Promise<void>;
  /** Stops consuming and closes connections cleanly. */
  close(): Promise<void>;
}
