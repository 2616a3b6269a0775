import type { Audience } from '../../../src/domain/audience';
import { LATEST_TOPICS } from '../../../src/domain/latest-events';
import type { ReplayStart } from '../../../src/domain/replay-plan';
import type { StreamEvent } from '../../../src/domain/stream-event';

interface Held {
  readonly seq: number;
  readonly event: StreamEvent;
  readonly bytes: number;
}

/** The size of an event's frame as the TextFramer writes it (`<id> <data>|`, all ASCII). */
export const frameBytes = (event: StreamEvent): number => event.id.length + event.data.length + 2;

/** One subscription as the model expects it: what it must receive, in order. */
export interface ModelSubscriber {
  readonly audience: Audience;
  /** Event ids and control messages (`!reset …`), as `receivedFrom` reads a sink. */
  readonly expected: string[];
  active: boolean;
}

/**
 * What the Broker should do, written as plainly as possible: the fan-out order, the history and latest
 * bounds, and for each subscriber the events it may see from its start on. The fuzz compares the real
 * Broker's sinks against it.
 */
export class BrokerModel {
  readonly subscribers: ModelSubscriber[] = [];
  /** Events fanned out (admitted), in fan-out order. */
  admitted = 0;
  private queue: StreamEvent[] = [];
  private history: Held[] = [];
  private historyBytes = 0;
  private nextSeq = 0;
  private latest = new Map<string, Held>();
  private latestBytes = 0;

  constructor(
    private readonly historySize: number,
    private readonly historyMaxBytes: number,
  ) {}

  publish(event: StreamEvent): void {
    this.queue.push(event);
  }

  /** The queue is flushed (a scheduled flush ran, or a subscribe flushed it first). */
  flush(): void {
    for (const event of this.queue.splice(0)) this.admit(event);
  }

  subscribe(audience: Audience, start: ReplayStart): ModelSubscriber {
    this.flush();
    const subscriber: ModelSubscriber = { audience, expected: this.replay(audience, start), active: true };
    this.subscribers.push(subscriber);
    return subscriber;
  }

  signalGap(): void {
    this.flush();
    for (const s of this.subscribers) if (s.active) s.expected.push('!reset {"reason":"stream-gap"}');
  }

  private admit(event: StreamEvent): void {
    if (this.history.some((held) => held.event.id === event.id)) return; // a redelivery
    const held: Held = { seq: this.nextSeq, event, bytes: frameBytes(event) };
    this.nextSeq += 1;
    this.admitted += 1;
    this.keep(held);
    this.keepLatest(held);
    for (const s of this.subscribers)
      if (s.active && s.audience.sees(event.topic, event.private)) s.expected.push(event.id);
  }

  private keep(held: Held): void {
    if (this.historySize === 0) return;
    if (this.history.length === this.historySize) this.evictOldest();
    this.history.push(held);
    this.historyBytes += held.bytes;
    while (this.historyBytes > this.historyMaxBytes && this.history.length > 0) this.evictOldest();
  }

  private evictOldest(): void {
    const oldest = this.history.shift();
    if (oldest !== undefined) this.historyBytes -= oldest.bytes;
  }

  private keepLatest(held: Held): void {
    if (this.historySize === 0) return; // HISTORY_SIZE=0: no replay of any kind, latest=1 included
    const key = `${held.event.private ? '!' : ''}${held.event.topic}`;
    const old = this.latest.get(key);
    if (old !== undefined) this.latestBytes -= old.bytes;
    this.latest.delete(key);
    this.latest.set(key, held);
    this.latestBytes += held.bytes;
    const maxBytes = Math.max(1, Math.floor(this.historyMaxBytes / 4));
    for (const [stale, entry] of this.latest) {
      if (this.latest.size <= LATEST_TOPICS && this.latestBytes <= maxBytes) break;
      this.latest.delete(stale);
      this.latestBytes -= entry.bytes;
    }
  }

  /** What a new subscription gets first. */
  private replay(audience: Audience, start: ReplayStart): string[] {
    const visible = (held: Held): boolean => audience.sees(held.event.topic, held.event.private);
    const idsOf = (list: readonly Held[]): string[] => list.filter(visible).map((held) => held.event.id);
    switch (start.kind) {
      case 'live':
        return [];
      case 'rewind':
        return idsOf(this.history).slice(-start.count);
      case 'after': {
        const at = this.history.findIndex((held) => held.event.id === start.id);
        if (at >= 0) return idsOf(this.history.slice(at + 1));
        return [`!reset {"reason":"history-gap","lastEventId":"${start.id}"}`, ...idsOf(this.history)];
      }
      case 'latest': {
        const newest = new Map<string, Held>();
        for (const held of [...this.latest.values()].filter(visible)) {
          const other = newest.get(held.event.topic);
          if (other === undefined || other.seq < held.seq) newest.set(held.event.topic, held);
        }
        return [...newest.values()].sort((a, b) => a.seq - b.seq).map((held) => held.event.id);
      }
    }
  }
}

/**
 * Whether `received` is what `expected` allows: the same items in the same order, except that an event of a
 * conflatable topic may be missing where a later event of its topic was received. With `complete` false (a
 * client that was dropped or left), a prefix of that is enough. Returns what is wrong, or undefined.
 * (A search over both lists rather than a greedy walk: an id fanned out again after the history forgot it
 * appears twice, and either copy may be the one conflated away.)
 */
export function mismatch(
  expected: readonly string[],
  received: readonly string[],
  conflatable: (item: string) => boolean,
  topicOf: (item: string) => string | undefined,
  complete: boolean,
): string | undefined {
  const [n, m] = [expected.length, received.length];
  const topicsFrom: Set<string | undefined>[] = [];
  for (let j = m; j >= 0; j -= 1) topicsFrom[j] = new Set([...(topicsFrom[j + 1] ?? []), topicOf(received[j] ?? '')]);
  // fits[i][j]: expected from i can give received from j.
  const fits = Array.from({ length: n + 1 }, () => new Array<boolean>(m + 1).fill(false));
  for (let i = n; i >= 0; i -= 1) {
    for (let j = m; j >= 0; j -= 1) {
      const item = expected[i];
      if (item === undefined || j === m) {
        // Nothing more was received: right when nothing more was expected, or when the client ended early.
        fits[i]![j] = j === m && (i === n || !complete);
        continue;
      }
      // A client that ended may have lost the newer event that replaced one while it waited.
      const droppable = conflatable(item) && (!complete || topicsFrom[j]!.has(topicOf(item)));
      fits[i]![j] = (item === received[j] && fits[i + 1]![j + 1]!) || (droppable && fits[i + 1]![j]!);
    }
  }
  if (fits[0]![0]) return undefined;
  return `received ${received.join(',')} but expected ${expected.join(',')}`;
}
