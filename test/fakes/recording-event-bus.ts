import type { BusListener } from '../../src/application/ports/bus-listener.port';
import type { PublishFailure } from '../../src/application/ports/event-publisher.port';
import { READY, type Readiness } from '../../src/application/ports/readiness';
import { fail, ok, type Result } from '../../src/domain/result';
import type { StreamEvent } from '../../src/domain/stream-event';
import type { EventBus } from '../../src/infrastructure/bus/event-bus';

/** How the fake answers a publish: accept it, refuse it as the port allows, or break the port's promise. */
export type BusMode = 'accept' | 'unavailable' | 'reject';

export const BUS_DOWN: PublishFailure = {
  code: 'bus-unavailable',
  message: 'bus is down (fake)',
  retryAfterSeconds: 7,
};

/** An EventBus that records what it accepted and hands it to its listeners, like the in-memory bus. */
export class RecordingEventBus implements EventBus {
  /** Events the bus accepted, in order; a refused publish records nothing. */
  readonly published: StreamEvent[] = [];
  /** Every publish attempt, accepted or not. */
  readonly attempts: StreamEvent[] = [];
  readonly listeners: BusListener[] = [];
  mode: BusMode = 'accept';
  started = 0;
  closed = 0;

  publish(event: StreamEvent): Promise<Result<void, PublishFailure>> {
    this.attempts.push(event);
    if (this.mode === 'reject') return Promise.reject(new Error('bus exploded (fake)'));
    if (this.mode === 'unavailable') return Promise.resolve(fail(BUS_DOWN));
    this.published.push(event);
    for (const listener of this.listeners) listener.event(event);
    return Promise.resolve(ok(undefined));
  }

  listen(listener: BusListener): void {
    this.listeners.push(listener);
  }

  readiness(): Readiness {
    return this.mode === 'accept' ? READY : { ready: false, reason: 'bus is down (fake)' };
  }

  start(): Promise<void> {
    this.started += 1;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed += 1;
    return Promise.resolve();
  }
}
