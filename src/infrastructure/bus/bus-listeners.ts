import type { Logger } from 'pino';
import type { BusListener, EventHandler } from '../../application/ports/event-bus.port';
import type { StreamEvent } from '../../domain/stream-event';

/** The subscribers of one bus, each told in turn; one that throws is logged and the others still hear. */
export class BusListeners {
  private readonly listeners: BusListener[] = [];

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.listeners.length;
  }

  /** A plain handler is a listener that only hears events. */
  add(subscriber: EventHandler | BusListener): void {
    this.listeners.push(typeof subscriber === 'function' ? { event: subscriber } : subscriber);
  }

  event(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener.event(event);
      } catch (error) {
        this.logger.error({ err: error, eventId: event.id }, 'event handler failed');
      }
    }
  }

  gap(): void {
    for (const listener of this.listeners) {
      try {
        listener.gap?.();
      } catch (error) {
        this.logger.error({ err: error }, 'gap handler failed');
      }
    }
  }
}
