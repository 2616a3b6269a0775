import type { Audience } from './audience';
import type { Entry } from './entry';
import { visibilityKey } from './topic';

/** Topics whose newest event `latest` keeps, most recently updated first to stay. */
export const LATEST_TOPICS = 10_000;

/**
 * The newest entry of each of the most recently updated topics, kept even when the history has moved on, so
 * that a ticker can open with every value at once (`latest=1`) however rarely a topic changes. Bounded by a
 * number of topics and by bytes; past either, the topic updated longest ago goes.
 */
export class LatestEvents {
  private readonly byTopic = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxTopics = LATEST_TOPICS,
  ) {}

  get size(): number {
    return this.byTopic.size;
  }

  put(entry: Entry): void {
    const key = visibilityKey(entry.topic, entry.private); // a private event must not hide the public one
    const old = this.byTopic.get(key);
    if (old !== undefined) {
      this.byTopic.delete(key); // re-inserted below, so Map order stays least recently updated first
      this.bytes -= old.frame.length;
    }
    this.byTopic.set(key, entry);
    this.bytes += entry.frame.length;
    for (const [stale, evicted] of this.byTopic) {
      if (this.byTopic.size <= this.maxTopics && this.bytes <= this.maxBytes) break;
      this.byTopic.delete(stale);
      this.bytes -= evicted.frame.length;
    }
  }

  /** The newest entry `audience` sees of every topic, in fan-out order. */
  seenBy(audience: Audience): Entry[] {
    const newest = new Map<string, Entry>();
    for (const entry of this.byTopic.values()) {
      if (!audience.sees(entry.topic, entry.private)) continue;
      const other = newest.get(entry.topic);
      if (other === undefined || other.seq < entry.seq) newest.set(entry.topic, entry);
    }
    return [...newest.values()].sort((a, b) => a.seq - b.seq);
  }
}
