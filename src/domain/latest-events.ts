import type { Audience } from './audience';
import type { Entry } from './entry';

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
    const old = this.byTopic.get(entry.topic);
    if (old !== undefined) {
      this.byTopic.delete(entry.topic); // re-inserted below, so Map order stays least recently updated first
      this.bytes -= old.frame.length;
    }
    this.byTopic.set(entry.topic, entry);
    this.bytes += entry.frame.length;
    for (const [topic, stale] of this.byTopic) {
      if (this.byTopic.size <= this.maxTopics && this.bytes <= this.maxBytes) break;
      this.byTopic.delete(topic);
      this.bytes -= stale.frame.length;
    }
  }

  /** The newest entry of every topic `audience` sees, in fan-out order. */
  seenBy(audience: Audience): Entry[] {
    const seen: Entry[] = [];
    for (const entry of this.byTopic.values()) if (audience.sees(entry.topic, entry.private)) seen.push(entry);
    return seen.sort((a, b) => a.seq - b.seq);
  }
}
