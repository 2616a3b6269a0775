import { EventHistory } from './event-history';
import { oneByOne, type FanOut } from './fan-out';
import { joinFrames } from './frames';
import type { StreamEvent } from './stream-event';
import type { Delivery, EventSink, Frame } from './subscription';
import { TopicGroups, type Group } from './topic-groups';
import type { TopicSelection } from './topic-selection';

/** Turns an event into its wire bytes; called once per event, whatever the number of clients. */
export type EventEncoder = (event: StreamEvent) => Frame;

/**
 * Decides when queued events are fanned out: at once, or a little later so a
 * burst shares one write per client. Called once per batch.
 */
export type FlushScheduler = (flush: () => void) => void;

/** What the Broker reports, so adapters can count it (metrics). Called per event or per batch, never per client. */
export interface BrokerObserver {
  published(count: number): void;
  delivered(frames: number): void;
  dropped(reason: 'slow'): void;
}

interface Entry {
  readonly id: string;
  readonly event: StreamEvent;
  readonly frame: Frame;
}

export interface Subscription {
  readonly group: Group;
  readonly sink: EventSink;
}

const immediately: FlushScheduler = (flush) => flush();

/**
 * The registry of subscriptions, the replay history, and fan-out. Each event is
 * encoded once; each client gets the frames of a batch in one write of bytes
 * shared by its whole group. A sink that overflows is dropped on the spot.
 */
export class Broker {
  private readonly groups = new TopicGroups();
  private readonly history: EventHistory<Entry>;
  private queue: StreamEvent[] = [];
  private flushPending = false;

  constructor(
    private readonly encode: EventEncoder,
    historySize: number,
    private readonly observer: BrokerObserver,
    private readonly schedule: FlushScheduler = immediately,
    private readonly writeAll: FanOut = oneByOne,
  ) {
    this.history = new EventHistory<Entry>(historySize);
  }

  get size(): number {
    return this.groups.size;
  }

  /** Queues `event` for fan-out; the scheduler decides when the queue is flushed. */
  publish(event: StreamEvent): void {
    this.queue.push(event);
    if (this.flushPending) return;
    this.flushPending = true;
    this.schedule(() => {
      this.flushPending = false;
      this.flush();
    });
  }

  /**
   * Registers `sink`. With `lastEventId`, first sends what followed it in the
   * history; an id the history does not hold gets a reset, then the whole
   * matching history. Replay and registration happen in one synchronous step,
   * and the queue is flushed first, so the history holds every event published
   * so far: a new client misses nothing and gets nothing twice.
   */
  subscribe(selection: TopicSelection, sink: EventSink, lastEventId?: string): Subscription {
    if (this.queue.length > 0) this.flush();
    const group = this.groups.add(selection, sink);
    if (lastEventId !== undefined) this.replay(group, sink, lastEventId);
    return { group, sink };
  }

  unsubscribe({ group, sink }: Subscription): void {
    this.groups.remove(group, sink);
  }

  /** Lets every sink show it is alive (a heartbeat on streams that sent nothing lately). */
  keepAlive(): void {
    for (const group of this.groups.all()) {
      for (const sink of group.sinks) this.settle(group, sink, sink.keepAlive());
    }
  }

  /** Delivers what is queued, then ends every subscription (shutdown). */
  closeAll(): void {
    this.flush();
    for (const group of [...this.groups.all()]) {
      for (const sink of group.sinks) {
        this.groups.remove(group, sink);
        sink.close('shutdown');
      }
    }
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    const framesByGroup = new Map<Group, Frame[]>();
    let fresh = 0;
    for (const event of events) {
      if (this.history.has(event.id)) continue; // a redelivery
      fresh += 1;
      const frame = this.encode(event);
      this.history.append({ id: event.id, event, frame });
      for (const group of this.groups.matching(event.topic)) {
        const frames = framesByGroup.get(group);
        if (frames === undefined) framesByGroup.set(group, [frame]);
        else frames.push(frame);
      }
    }
    this.observer.published(fresh);
    let sent = 0;
    for (const [group, frames] of framesByGroup) sent += this.fanOut(group, joinFrames(frames)) * frames.length;
    if (sent > 0) this.observer.delivered(sent);
  }

  /**
   * The hot loop: one write of the same bytes per client of the group. Returns
   * the clients written to; the ones that failed are dropped once it is over.
   */
  private fanOut(group: Group, frame: Frame): number {
    const failures: [EventSink, Delivery][] = [];
    const sent = this.writeAll(frame, group.sinks, (sink, delivery) => failures.push([sink, delivery]));
    for (const [sink, delivery] of failures) this.settle(group, sink, delivery);
    return sent;
  }

  private replay(group: Group, sink: EventSink, lastEventId: string): void {
    const { found, entries } = this.history.after(lastEventId);
    if (!found && !this.settle(group, sink, sink.reset())) return;
    const frames = entries.filter((e) => group.selection.matches(e.event.topic)).map((e) => e.frame);
    if (frames.length === 0) return;
    if (this.settle(group, sink, sink.deliver(joinFrames(frames)))) this.observer.delivered(frames.length);
  }

  /** Drops a sink whose delivery failed; true when it is still subscribed. */
  private settle(group: Group, sink: EventSink, delivery: Delivery): boolean {
    if (delivery === 'sent') return true;
    if (!this.groups.remove(group, sink)) return false;
    if (delivery === 'overflow') {
      sink.close('slow');
      this.observer.dropped('slow');
    }
    return false;
  }
}
