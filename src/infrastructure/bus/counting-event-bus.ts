import type { BusListener, BusUnavailable, EventBus, EventHandler } from '../../application/ports/event-bus.port';
import type { Readiness } from '../../application/ports/readiness';
import type { Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';

/** Counts the events this process got accepted by the bus (broadcasts and rates), whatever the bus. */
export class CountingEventBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly accepted: () => void,
  ) {}

  async publish(event: StreamEvent): Promise<Result<void, BusUnavailable>> {
    const result = await this.inner.publish(event);
    if (result.ok) this.accepted();
    return result;
  }

  subscribe(subscriber: EventHandler | BusListener): void {
    this.inner.subscribe(subscriber);
  }

  readiness(): Readiness {
    return this.inner.readiness();
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
