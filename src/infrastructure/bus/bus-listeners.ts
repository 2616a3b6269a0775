import type { Logger } from 'pino';
import type { BusListener } from '../../application/ports/bus-listener.port';
import type { StreamEvent } from '../../domain/stream-event';

/** The listeners of one bus, each told in turn; one that throws is logged and the others still hear. */
export class BusListeners implements BusListener {
  private readonly listeners: BusListener[] = [];

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.listeners.length;
  }

  add(listener: BusListener): void {
    this.listeners.push(listener);
  }

  event(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener.event(event);
      } catch (error) {
        this.logger.error({ err: error, eventId: event.id }, 'bus listener failed');
      }
    }
  }

  recall(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener.recall?.(event);
      } catch (error) {
        this.logger.error({ err: error, eventId: event.id }, 'bus listener failed on a recalled event');
      }
    }
  }

  gap(): void {
    for (const listener of this.listeners) {
      try {
        listener.gap();
      } catch (error) {
        this.logger.error({ err: error }, 'bus listener failed on a gap');
      }
    }
  }
}
