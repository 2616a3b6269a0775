import type { Audience } from './audience';
import type { BrokerParts, BrokerSettings, SubscribeRequest } from './broker-parts';
import { CatchUp } from './catch-up';
import type { Entry } from './entry';
import { EventHistory } from './event-history';
import { Expiries } from './expiries';
import { joinFrames } from './frames';
import { jsonTextOf } from './json-text';
import { LatestEvents } from './latest-events';
import { planReplay } from './replay-plan';
import type { StreamEvent } from './stream-event';
import { Subscriber, type Group } from './subscriber';
import type { CloseReason, Delivery, Frame } from './subscription';
import { TopicGroups } from './topic-groups';

/**
 * The registry of subscriptions and the fan-out of this replica. Each event is encoded once and kept in the
 * history; each group of subscribers with one audience gets the frames of a batch in one write per client,
 * shared by the group. Clients that fall behind are handed to CatchUp, and come back when they have caught up.
 */
export class Broker {
  private readonly groups = new TopicGroups();
  private readonly history: EventHistory;
  /** The newest event per topic, for `latest=1`; none kept with HISTORY_SIZE=0 (no replay of any kind). */
  private readonly latest: LatestEvents | undefined;
  private readonly catchUp: CatchUp;
  private readonly expiries = new Expiries();
  private queue: StreamEvent[] = [];
  private flushPending = false;
  private readonly conflates: ((topic: string) => boolean) | undefined;

  constructor(
    private readonly parts: BrokerParts,
    settings: BrokerSettings,
  ) {
    this.history = new EventHistory(settings.historySize, settings.historyBytes);
    this.conflates = settings.conflates;
    this.latest =
      settings.historySize > 0 ? new LatestEvents(Math.max(1, Math.floor(settings.historyBytes / 4))) : undefined;
    this.catchUp = new CatchUp(settings.catchUp, {
      caughtUp: (subscriber) => this.caughtUp(subscriber),
      drop: (subscriber, reason) => this.remove(subscriber, reason),
      delivered: (events) => events > 0 && parts.observer.delivered(events),
      failed: (error) => parts.observer.failed('write', error),
      now: parts.now,
    });
  }

  /** Open subscriptions. */
  get size(): number {
    return this.groups.size;
  }

  /** Subscriptions that are behind (replaying, or slower than the events). */
  get behind(): number {
    return this.catchUp.size;
  }

  /** Queues an event from the bus for fan-out; the scheduler decides when the queue is flushed. */
  fanOut(event: StreamEvent): void {
    this.queue.push(event);
    if (this.flushPending) return;
    this.flushPending = true;
    this.parts.schedule(() => {
      this.flushPending = false;
      try {
        this.flush();
      } catch (error) {
        this.parts.observer.failed('write', error); // a bug: whatever it was, the next batch goes on
      }
    });
  }

  /**
   * Registers a subscriber and starts its replay. The queue is flushed first and the replay planned, the
   * stream opened and the subscriber registered in one synchronous step: it misses nothing, gets nothing twice.
   */
  subscribe(request: SubscribeRequest): Subscriber | 'busy' {
    this.flush();
    const { history, latest } = this;
    const { framer, log } = this.parts;
    const resetFrame = (id: string): Frame =>
      framer.control('reset', jsonTextOf({ reason: 'history-gap', lastEventId: id }));
    const logFrame = (event: StreamEvent, audience: Audience): Frame | undefined =>
      !audience.sees(event.topic, event.private) || this.parts.droppedFromLog?.(event) === true
        ? undefined
        : framer.event(event);
    const sources = planReplay({ history, latest, log, resetFrame, logFrame }, request.audience, request.start);
    if (sources === 'busy') return 'busy';
    const subscriber = new Subscriber(request.audience, request.open(), request.expiresAt);
    if (sources.length > 0) this.catchUp.start(subscriber, sources);
    this.groups.add(subscriber);
    if (request.expiresAt !== undefined) this.expiries.add(subscriber, request.expiresAt, this.parts.now());
    if (sources.length > 0) this.catchUp.resume(subscriber);
    return subscriber;
  }

  /** The client went away. Safe to call twice. */
  unsubscribe(subscriber: Subscriber): void {
    this.remove(subscriber, undefined);
  }

  /** Lets every live sink show it is alive (a heartbeat on streams that sent nothing lately). */
  keepAlive(): void {
    for (const group of this.groups.all()) {
      for (const subscriber of group.live) this.guarded(() => this.settleLive(subscriber, subscriber.sink.keepAlive()));
      // One behind that has nothing to write (its replay waits on the bus's log) must not look dead either.
      for (const subscriber of group.behind) {
        this.guarded(() => {
          if (this.catchUp.idle(subscriber) && subscriber.sink.keepAlive() === 'closed')
            this.remove(subscriber, undefined);
        });
      }
    }
  }

  /** Once a second or so: token expiries, and the progress of clients that are behind. */
  tick(): void {
    this.guarded(() => this.expire(this.parts.now()));
    this.guarded(() => this.catchUp.tick());
  }

  /** Timers call in here: a bug in one step is reported, and neither escapes the timer nor stops the others. */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.parts.observer.failed('timer', error);
    }
  }

  /** Events were lost on the bus before this replica could read them: every stream is told. */
  signalGap(): void {
    this.flush(); // the gap follows the events the bus delivered before it
    const frame = this.parts.framer.control('reset', jsonTextOf({ reason: 'stream-gap' }));
    for (const group of [...this.groups.all()]) {
      for (const subscriber of [...group.live, ...group.behind]) this.send(subscriber, frame);
    }
  }

  /** Ends up to `count` subscriptions (delivering what is queued first); returns how many are left. */
  closeSome(count: number, reason: CloseReason): number {
    this.flush();
    let left = count;
    for (const group of [...this.groups.all()]) {
      for (const subscriber of [...group.live, ...group.behind]) {
        if (left <= 0) return this.size;
        this.remove(subscriber, reason);
        left -= 1;
      }
    }
    return this.size;
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    // No private event after exp, whenever the next tick comes (no clock read while no stream has a token).
    if (this.expiries.size > 0) this.expire(this.parts.now());
    const events = this.queue;
    this.queue = [];
    const batches = new Map<Group, Entry[]>();
    let fresh = 0;
    for (const event of events) {
      const entry = this.admit(event);
      if (entry === undefined) continue;
      fresh += 1;
      for (const group of this.groups.matching(entry.topic, entry.private)) {
        const batch = batches.get(group);
        if (batch === undefined) batches.set(group, [entry]);
        else batch.push(entry);
      }
    }
    if (fresh > 0) this.parts.observer.fannedOut(fresh);
    for (const [batch, groups] of sameBytes(batches)) {
      try {
        this.write(groups, batch);
      } catch (error) {
        this.parts.observer.failed('write', error);
      }
    }
  }

  /** Warns the streams whose token expires soon and closes those whose token has expired. */
  private expire(now: number): void {
    for (const due of this.expiries.due(now)) {
      const { subscriber } = due;
      if (due.kind === 'close') this.remove(subscriber, 'expired');
      else if (subscriber.expiresAt !== undefined) {
        const exp = Math.floor(subscriber.expiresAt / 1000);
        this.send(subscriber, this.parts.framer.control('auth-expiring', jsonTextOf({ exp })));
      }
    }
  }

  /** Encodes and keeps one event; undefined for a redelivery or an event that cannot be encoded. */
  private admit(event: StreamEvent): Entry | undefined {
    if (this.history.has(event.id)) return undefined;
    try {
      const frame = this.parts.framer.event(event);
      const { id, topic } = event;
      const conflatable = this.conflates?.(topic) === true; // once per event, not per client behind
      const entry = this.history.append((seq) => ({ seq, id, topic, private: event.private, frame, conflatable }));
      this.latest?.put(entry);
      return entry;
    } catch (error) {
      this.parts.observer.failed('encode', error);
      return undefined;
    }
  }

  /** The hot loop: one write of the batch's bytes per live client; those behind get the entries queued. */
  private write(groups: readonly Group[], batch: readonly Entry[]): void {
    // Those behind first: a client that falls behind in the live write already has the batch, and a writer
    // that throws must not cost them the batch.
    const live: Set<Subscriber>[] = [];
    for (const group of groups) {
      if (group.live.size > 0) live.push(group.live);
      if (group.behind.size === 0) continue;
      for (const subscriber of [...group.behind]) {
        for (const entry of batch) this.catchUp.push(subscriber, entry.frame, entry);
      }
    }
    if (live.length === 0) return;
    const short: [Subscriber, Delivery][] = [];
    const frame = joinFrames(batch.map((entry) => entry.frame));
    const sent = this.parts.writer(frame, live, (subscriber, delivery) => short.push([subscriber, delivery]));
    for (const [subscriber, delivery] of short) this.settleLive(subscriber, delivery);
    const delivered = (sent + short.filter(([, d]) => d !== 'closed').length) * batch.length;
    if (delivered > 0) this.parts.observer.delivered(delivered);
  }

  private send(subscriber: Subscriber, frame: Frame): void {
    if (subscriber.backlog !== undefined) this.catchUp.push(subscriber, frame);
    else this.settleLive(subscriber, subscriber.sink.write(frame));
  }

  private settleLive(subscriber: Subscriber, delivery: Delivery): void {
    if (delivery === 'sent' || subscriber.backlog !== undefined) return;
    if (delivery === 'closed') return this.remove(subscriber, undefined);
    subscriber.group.live.delete(subscriber);
    subscriber.group.behind.add(subscriber);
    this.catchUp.fellBehind(subscriber);
  }

  private caughtUp(subscriber: Subscriber): void {
    this.catchUp.remove(subscriber);
    subscriber.group.behind.delete(subscriber);
    subscriber.group.live.add(subscriber);
  }

  private remove(subscriber: Subscriber, reason: CloseReason | undefined): void {
    if (!this.groups.remove(subscriber)) return;
    subscriber.closed = true;
    this.catchUp.remove(subscriber);
    if (subscriber.expiresAt !== undefined) this.expiries.forget();
    if (reason === undefined) return;
    subscriber.sink.close(reason);
    if (reason !== 'shutdown') this.parts.observer.dropped(reason);
  }
}

/**
 * The writes of one flush. Groups that asked for the same topics and whose batch holds no private event get
 * the same bytes, whatever their tokens grant: they share one write, so distinct grants among readers of
 * public topics cost nothing per event. A batch with a private event goes to its own group alone.
 */
function sameBytes(batches: ReadonlyMap<Group, Entry[]>): Iterable<[Entry[], Group[]]> {
  if (batches.size <= 1) return [...batches].map(([group, batch]) => [batch, [group]]);
  const shared = new Map<string, [Entry[], Group[]]>();
  const own: [Entry[], Group[]][] = [];
  for (const [group, batch] of batches) {
    if (batch.some((entry) => entry.private)) {
      own.push([batch, [group]]);
      continue;
    }
    const found = shared.get(group.audience.topics.key);
    if (found === undefined) shared.set(group.audience.topics.key, [batch, [group]]);
    else found[1].push(group);
  }
  return own.length === 0 ? shared.values() : [...shared.values(), ...own];
}
