import type { Audience } from './audience';
import type { CatchUpSettings } from './catch-up';
import type { EventLog } from './event-log';
import type { FanOutWriter } from './fan-out-writer';
import type { ReplayStart } from './replay-plan';
import type { JsonText, StreamEvent } from './stream-event';
import type { CloseReason, EventSink, Frame } from './subscription';

/** Control messages the hub itself sends (no `id:`, so they do not move a client's last event id). */
export type ControlName = 'reset' | 'auth-expiring';

/** Turns events and control messages into wire bytes; called once per event, whatever the number of clients. */
export interface Framer {
  event(event: StreamEvent): Frame;
  control(name: ControlName, data: JsonText): Frame;
}

/** Decides when queued events are fanned out: at once, or a little later so a burst shares one write per client. */
export type FlushScheduler = (flush: () => void) => void;

export type FailureStage = 'encode' | 'write' | 'timer';

/** What the Broker reports, so adapters can count and log it: per event or per batch, never per client. */
export interface BrokerObserver {
  fannedOut(events: number): void;
  delivered(events: number): void;
  dropped(reason: CloseReason): void;
  /**
   * A bug while encoding or writing one event (or writing to one client): that alone is lost; or in a timer's
   * step (a keep-alive, an expiry, a catch-up), which goes on at the next tick.
   */
  failed(stage: FailureStage, error: unknown): void;
}

export interface BrokerParts {
  readonly framer: Framer;
  readonly observer: BrokerObserver;
  readonly writer: FanOutWriter;
  readonly schedule: FlushScheduler;
  readonly now: () => number;
  /** The bus's log, for replays older than the history (stream mode). */
  readonly log?: EventLog | undefined;
  /** Events read back from the log that the live fan-out dropped (repeated idempotency keys). */
  readonly droppedFromLog?: ((event: StreamEvent) => boolean) | undefined;
}

export interface BrokerSettings {
  readonly historySize: number;
  readonly historyBytes: number;
  /** Topics whose waiting events a newer one replaces for a client behind (SLOW_CLIENTS=conflate); undefined: none. */
  readonly conflates?: ((topic: string) => boolean) | undefined;
  readonly catchUp: CatchUpSettings;
}

export interface SubscribeRequest {
  readonly audience: Audience;
  readonly start: ReplayStart;
  /** Epoch ms when the subscriber's token expires, if it does. */
  readonly expiresAt?: number | undefined;
  /** Opens the client's stream once the subscription is certain (no `busy`) and returns where its events go. */
  readonly open: () => EventSink;
}
