import type { Logger } from 'pino';
import type { BusListener } from '../../application/ports/bus-listener.port';
import type { PublishFailure } from '../../application/ports/event-publisher.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import { ok, type Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';
import type { EventBus } from './event-bus';

/**
 * The single-replica bus: publishing hands the event straight to the listeners of this process, before the
 * publish resolves.
 */
export class InMemoryEventBus implements EventBus {
  private readonly listeners: BusListener[] = [];

  constructor(private readonly logger: Logger) {}

  publish(event: StreamEvent): Promise<Result<void, PublishFailure>> {
    for (const listener of this.listeners) {
      try {
        listener.event(event);
      } catch (error) {
        this.logger.error({ err: error, eventId: event.id }, 'bus listener failed');
      }
    }
    return Promise.resolve(ok(undefined));
  }

  listen(listener: BusListener): void {
    this.listeners.push(listener);
  }

  readiness(): Readiness {
    return READY;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
