import { EventHistory } from './event-history';
import type { StreamEvent } from './stream-event';
import type { Delivery, EventSink, Frame } from './subscription';
import type { TopicSelection } from './topic-selection';

/** Turns an event into its wire bytes; called once per event, whatever the number of clients. */
export type EventEncoder = (event: StreamEvent) => Frame;

/** What the Broker reports, so adapters can count it (metrics). Called once per event, not per client. */
export interface BrokerObserver {
  published(): void;
  delivered(frames: number): void;
  dropped(reason: 'slow'): void;
}

interface Entry {
  readonly id: string;
  readonly event: StreamEvent;
  readonly frame: Frame;
}

/** Clients that asked for the same topics: the topic is matched once for all of them. */
interface Group {
  readonly selection: TopicSelection;
  readonly sinks: Set<EventSink>;
}

export interface Subscription {
  readonly group: Group;
  readonly sink: EventSink;
}

const MAX_CACHED_TOPICS = 4096;

/**
 * The registry of subscriptions, the replay history, and fan-out: each event is
 * encoded once and the same frame is handed to every matching sink. A sink that
 * overflows is dropped on the spot; nobody waits for it.
 */
export class Broker {
  private readonly groups = new Map<string, Group>();
  private readonly groupsByTopic = new Map<string, Group[]>();
  private readonly history: EventHistory<Entry>;
  private clients = 0;

  constructor(
    private readonly encode: EventEncoder,
    historySize: number,
    private readonly observer: BrokerObserver,
  ) {
    this.history = new EventHistory<Entry>(historySize);
  }

  get size(): number {
    return this.clients;
  }

  /** Appends to the history and delivers to every matching subscription. Redelivered ids are ignored. */
  publish(event: StreamEvent): void {
    if (this.history.has(event.id)) return;
    const frame = this.encode(event);
    this.history.append({ id: event.id, event, frame });
    this.observer.published();
    let sent = 0;
    for (const group of this.groupsFor(event.topic)) {
      for (const sink of group.sinks) {
        if (this.deliver(group, sink, frame)) sent += 1;
      }
    }
    if (sent > 0) this.observer.delivered(sent);
  }

  /**
   * Registers `sink`. With `lastEventId`, first sends what followed it in the
   * history; an id the history does not hold gets a reset, then the whole
   * matching history. Replay and registration happen in one synchronous step,
   * so no live event can fall between them.
   */
  subscribe(selection: TopicSelection, sink: EventSink, lastEventId?: string): Subscription {
    const group = this.groupOf(selection);
    group.sinks.add(sink);
    this.clients += 1;
    if (lastEventId !== undefined) this.replay(group, sink, lastEventId);
    return { group, sink };
  }

  unsubscribe({ group, sink }: Subscription): void {
    if (!group.sinks.delete(sink)) return;
    this.clients -= 1;
    if (group.sinks.size === 0) {
      this.groups.delete(group.selection.key);
      this.groupsByTopic.clear();
    }
  }

  /** Lets every sink show it is alive (a heartbeat on streams that sent nothing lately). */
  keepAlive(): void {
    for (const group of this.groups.values()) {
      for (const sink of group.sinks) {
        const delivery = sink.keepAlive();
        if (delivery !== 'sent') this.remove(group, sink, delivery);
      }
    }
  }

  /** Ends every subscription (shutdown). */
  closeAll(): void {
    for (const group of [...this.groups.values()]) {
      for (const sink of group.sinks) {
        this.unsubscribe({ group, sink });
        sink.close('shutdown');
      }
    }
  }

  private replay(group: Group, sink: EventSink, lastEventId: string): void {
    const { found, entries } = this.history.after(lastEventId);
    if (!found) {
      const delivery = sink.reset();
      if (delivery !== 'sent') return this.remove(group, sink, delivery);
    }
    let sent = 0;
    for (const entry of entries) {
      if (!group.selection.matches(entry.event.topic)) continue;
      if (!this.deliver(group, sink, entry.frame)) break;
      sent += 1;
    }
    if (sent > 0) this.observer.delivered(sent);
  }

  private deliver(group: Group, sink: EventSink, frame: Frame): boolean {
    const delivery = sink.deliver(frame);
    if (delivery === 'sent') return true;
    this.remove(group, sink, delivery);
    return false;
  }

  private remove(group: Group, sink: EventSink, delivery: Exclude<Delivery, 'sent'>): void {
    this.unsubscribe({ group, sink });
    if (delivery === 'overflow') {
      sink.close('slow');
      this.observer.dropped('slow');
    }
  }

  private groupOf(selection: TopicSelection): Group {
    let group = this.groups.get(selection.key);
    if (group === undefined) {
      group = { selection, sinks: new Set() };
      this.groups.set(selection.key, group);
      this.groupsByTopic.clear();
    }
    return group;
  }

  private groupsFor(topic: string): Group[] {
    let matching = this.groupsByTopic.get(topic);
    if (matching === undefined) {
      matching = [...this.groups.values()].filter((g) => g.selection.matches(topic));
      if (this.groupsByTopic.size >= MAX_CACHED_TOPICS) this.groupsByTopic.clear();
      this.groupsByTopic.set(topic, matching);
    }
    return matching;
  }
}
