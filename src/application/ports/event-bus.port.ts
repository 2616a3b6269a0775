import type { DomainError } from '../../domain/errors';
import type { Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';
import type { Readiness } from './readiness';

export type BusUnavailable = Extract<DomainError, { code: 'bus-unavailable' }>;

export type EventHandler = (event: StreamEvent) => void;

/** What a subscriber of the bus hears. Neither method may throw; the bus logs it if one does. */
export interface BusListener {
  /** One event, in the bus's delivery order. */
  event(event: StreamEvent): void;
  /**
   * Events were lost before the next `event`: this replica's place in the
   * stream fell behind the stream's retention. Only a bus that can tell calls
   * it (RabbitMQ stream mode); the others never do.
   */
  gap?(): void;
}

/** Carries events from publishers to every replica's subscribers (in process, or RabbitMQ fan-out). */
export interface EventBus {
  /**
   * Hands `event` to the bus. Resolves `ok` only once the bus has accepted it
   * (RabbitMQ: the publisher confirm arrived); otherwise `bus-unavailable`
   * (down, nack, timeout). Never rejects.
   */
  publish(event: StreamEvent): Promise<Result<void, BusUnavailable>>;
  /**
   * Registers `subscriber` for every event published on any replica, this one
   * included (and, as a BusListener, for gaps). Call before `start`. It must
   * not throw; the bus logs it if it does.
   */
  subscribe(subscriber: EventHandler | BusListener): void;
  /** Ready when connected (and consuming, if anyone subscribed). */
  readiness(): Readiness;
  /** Connects; resolves once it is usable or retrying in the background (never rejects for a down broker). */
  start(): Promise<void>;
  /** Stops consuming and closes connections cleanly. */
  close(): Promise<void>;
}
