import type { Logger } from 'pino';
import type { BusListener, BusUnavailable, EventBus, EventHandler } from '../../application/ports/event-bus.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import { ok, type Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';
import { BusListeners } from './bus-listeners';

/**
 * The single-replica bus: publishing hands the event straight to the
 * subscribers of this process, before the publish resolves. It loses
 * nothing, so it never signals a gap.
 */
export class InMemoryEventBus implements EventBus {
  private readonly listeners: BusListeners;

  constructor(logger: Logger) {
    this.listeners = new BusListeners(logger);
  }

  publish(event: StreamEvent): Promise<Result<void, BusUnavailable>> {
    this.listeners.event(event);
    return Promise.resolve(ok(undefined));
  }

  subscribe(subscriber: EventHandler | BusListener): void {
    this.listeners.add(subscriber);
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
