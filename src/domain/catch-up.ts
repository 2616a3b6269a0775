import { Backlog } from './backlog';
import type { Entry } from './entry';
import { joinFrames } from './frames';
import type { ReplaySource } from './replay-source';
import type { Subscriber } from './subscriber';
import type { CloseReason, Frame } from './subscription';

export interface CatchUpSettings {
  /** CLIENT_BUFFER_BYTES: what may wait for one client, replay aside. */
  readonly clientBufferBytes: number;
  /** What may wait for all clients that are behind together; past it the one holding most is dropped. */
  readonly totalBufferBytes: number;
  /** A client that takes no byte for this long is dropped, whatever it is waiting for. */
  readonly stallMs: number;
}

/** An event pushed to a client behind; whether a newer one of its topic may replace it is decided once per event. */
export type PushedEvent = Pick<Entry, 'topic' | 'id' | 'conflatable'>;

/** What CatchUp asks of the Broker. */
export interface CatchUpHooks {
  /** The subscriber has caught up: it is written to directly from now on. */
  caughtUp(subscriber: Subscriber): void;
  /** Ends the subscription: `reason` undefined when the client went away by itself. */
  drop(subscriber: Subscriber, reason: CloseReason | undefined): void;
  delivered(events: number): void;
  /** A bug while writing to one client: logged and counted; that client is dropped. */
  failed(error: unknown): void;
  now(): number;
}

/** Bytes written to a client per round; the next round waits until they have left. */
const ROUND_BYTES = 64 * 1024;

/**
 * The clients that are behind: replaying, or slower than the events. Each has a Backlog, written out a round
 * at a time as its connection takes it; meanwhile its new events wait in the backlog (replaced by newer ones
 * of the same topic where conflation applies), bounded per client and for all of them together. Clients
 * that keep up never come here, so they pay nothing for it.
 */
export class CatchUp {
  private readonly behind = new Set<Subscriber>();
  private total = 0;

  constructor(
    private readonly settings: CatchUpSettings,
    private readonly hooks: CatchUpHooks,
  ) {}

  get size(): number {
    return this.behind.size;
  }

  /** Makes `subscriber` start behind, with its replay (register it, then `resume` it to send the first round). */
  start(subscriber: Subscriber, sources: ReplaySource[]): void {
    subscriber.backlog = new Backlog(sources, this.hooks.now());
    this.behind.add(subscriber);
  }

  /** A write to a live client left bytes queued: it is behind until they, and what follows, have left. */
  fellBehind(subscriber: Subscriber): void {
    const backlog = new Backlog([], this.hooks.now());
    backlog.handed = subscriber.sink.queuedBytes();
    subscriber.backlog = backlog;
    this.behind.add(subscriber);
    this.waitForFlush(subscriber, backlog);
  }

  /**
   * Queues a frame for a client behind: an event with its topic (it may be conflated) and id, a control
   * message without.
   */
  push(subscriber: Subscriber, frame: Frame, event?: PushedEvent): void {
    const backlog = subscriber.backlog;
    if (backlog === undefined) return;
    const pushed = backlog.push(frame, event?.conflatable === true ? event.topic : undefined, event?.id);
    if (pushed !== 'queued') {
      // The event the client already had has come: what follows is new to it. Resumed after this fan-out.
      if (pushed === 'reached' && backlog.waiting === 'skip') queueMicrotask(() => this.resume(subscriber));
      return;
    }
    const queued = backlog.withReplay ? 0 : subscriber.sink.queuedBytes();
    if (backlog.pending.bytes + queued > this.settings.clientBufferBytes) return this.hooks.drop(subscriber, 'slow');
    this.account(subscriber, backlog);
    this.enforceTotal();
  }

  /** Checks every client that is behind for progress; one that took no byte for `stallMs` is dropped. */
  tick(): void {
    const now = this.hooks.now();
    for (const subscriber of this.behind) {
      const backlog = subscriber.backlog;
      if (backlog === undefined) continue;
      const queued = subscriber.sink.queuedBytes();
      const taken = backlog.handed - queued;
      if (taken > backlog.taken || queued === 0) {
        backlog.taken = taken;
        backlog.progressAt = now;
      } else if (now - backlog.progressAt >= this.settings.stallMs) {
        this.hooks.drop(subscriber, 'stalled');
        continue;
      }
      this.account(subscriber, backlog);
    }
    this.enforceTotal();
  }

  /** Behind, but with nothing on its way to it: waiting for its replay's source or for an event it already has. */
  idle(subscriber: Subscriber): boolean {
    const waiting = subscriber.backlog?.waiting;
    return (waiting === 'source' || waiting === 'skip') && subscriber.sink.queuedBytes() === 0;
  }

  /** Forgets `subscriber` (it caught up or was dropped). */
  remove(subscriber: Subscriber): void {
    const backlog = subscriber.backlog;
    if (backlog === undefined) return;
    subscriber.backlog = undefined;
    this.behind.delete(subscriber);
    this.total -= backlog.accounted;
    backlog.close();
  }

  /** Writes rounds until the client's transport is full, the replay must wait, or nothing is left. */
  resume(subscriber: Subscriber): void {
    const backlog = subscriber.backlog;
    if (backlog === undefined || subscriber.closed) return;
    // What waits may be private: nothing more once the token has expired (the Broker's tick may not have run).
    const { expiresAt } = subscriber;
    if (expiresAt !== undefined && expiresAt <= this.hooks.now()) return this.hooks.drop(subscriber, 'expired');
    backlog.waiting = undefined;
    try {
      this.rounds(subscriber, backlog);
    } catch (error) {
      this.hooks.failed(error);
      this.hooks.drop(subscriber, 'slow');
    }
  }

  private rounds(subscriber: Subscriber, backlog: Backlog): void {
    const sink = subscriber.sink;
    for (;;) {
      if (sink.queuedBytes() >= ROUND_BYTES) return this.waitForFlush(subscriber, backlog);
      const step = backlog.next(ROUND_BYTES);
      if (step.kind !== 'frames') return this.stopRounds(subscriber, backlog, step.kind);
      const frame = joinFrames(step.frames);
      const delivery = sink.write(frame);
      if (delivery === 'closed') return this.hooks.drop(subscriber, undefined);
      backlog.handed += frame.length;
      this.hooks.delivered(step.events);
      this.account(subscriber, backlog);
    }
  }

  /** What to do when there is nothing to write now. */
  private stopRounds(subscriber: Subscriber, backlog: Backlog, why: 'wait' | 'done' | 'lost' | 'failed'): void {
    switch (why) {
      case 'wait':
        backlog.waiting = 'source';
        return backlog.whenSourceReady(() => this.resume(subscriber));
      case 'lost':
        return this.hooks.drop(subscriber, 'slow');
      case 'failed':
        return this.hooks.drop(subscriber, 'replay-failed');
      case 'done':
        if (subscriber.sink.queuedBytes() > 0) return this.waitForFlush(subscriber, backlog);
        if (backlog.skipping) return void (backlog.waiting = 'skip');
        return this.hooks.caughtUp(subscriber);
    }
  }

  private waitForFlush(subscriber: Subscriber, backlog: Backlog): void {
    backlog.waiting = 'flush';
    this.account(subscriber, backlog);
    subscriber.sink.whenFlushed(() => this.resume(subscriber));
  }

  private account(subscriber: Subscriber, backlog: Backlog): void {
    const now = backlog.pending.bytes + subscriber.sink.queuedBytes();
    this.total += now - backlog.accounted;
    backlog.accounted = now;
  }

  /** Past the bound on all slow clients together, the one holding most is dropped, until under it. */
  private enforceTotal(): void {
    while (this.total > this.settings.totalBufferBytes) {
      let largest: Subscriber | undefined;
      for (const subscriber of this.behind) {
        if ((subscriber.backlog?.accounted ?? 0) > (largest?.backlog?.accounted ?? -1)) largest = subscriber;
      }
      if (largest === undefined) return;
      this.hooks.drop(largest, 'memory');
    }
  }
}
