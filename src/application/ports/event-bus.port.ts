import type { DomainError } from '../../domain/errors';
import type { Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';
import type { Readiness } from './readiness';

export type BusUnavailable = Extract<DomainError, { code: 'bus-unavailable' }>;

export type EventHandler = (event: StreamEvent) => void;

/** Carries events from publishers to every replica's subscribers (in process, or RabbitMQ fan-out). */
export interface EventBus {
  /**
   * Hands `event` to the bus. Resolves `ok` only once the bus has accepted it
   * (RabbitMQ: the publisher confirm arrived); otherwise `bus-unavailable`
   * (down, nack, timeout). Never rejects.
   */
  publish(event: StreamEvent): Promise<Result<void, BusUnavailable>>;
  /**
   * Registers `handler` for every event published on any replica, this one
   * included. Call before `start`. The handler must not throw; the bus logs and
   * counts it if it does.
   */
  subscribe(handler: EventHandler): void;
  /** Ready when connected (and consuming, if anyone subscribed). */
  readiness(): Readiness;
  /** Connects; resolves once it is usable or retrying in the background (never rejects for a down broker). */
  start(): Promise<void>;
  /** Stops consuming and closes connections cleanly. */
  close(): Promise<void>;
}
