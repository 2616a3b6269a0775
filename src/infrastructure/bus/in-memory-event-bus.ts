import type { Logger } from 'pino';
import type { BusUnavailable, EventBus, EventHandler } from '../../application/ports/event-bus.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import { ok, type Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';

/**
 * The single-replica bus: publishing hands the event straight to the
 * subscribers of this process, before the publish resolves.
 */
export class InMemoryEventBus implements EventBus {
  private readonly handlers: EventHandler[] = [];

  constructor(private readonly logger: Logger) {}

  publish(event: StreamEvent): Promise<Result<void, BusUnavailable>> {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        this.logger.error({ err: error, eventId: event.id }, 'event handler failed');
      }
    }
    return Promise.resolve(ok(undefined));
  }

  subscribe(handler: EventHandler): void {
    this.handlers.push(handler);
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
