import type { EventSink } from './subscription';
import type { TopicSelection } from './topic-selection';

/** Clients that asked for the same topics: a topic is matched once for all of them. */
export interface Group {
  readonly selection: TopicSelection;
  readonly sinks: Set<EventSink>;
}

const MAX_CACHED_TOPICS = 4096;

/**
 * The subscription index: sinks grouped by their topic selection, and a cache
 * from a topic to the groups it matches, so fan-out never scans subscriptions.
 */
export class TopicGroups {
  private readonly groups = new Map<string, Group>();
  private readonly byTopic = new Map<string, Group[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(selection: TopicSelection, sink: EventSink): Group {
    let group = this.groups.get(selection.key);
    if (group === undefined) {
      group = { selection, sinks: new Set() };
      this.groups.set(selection.key, group);
      this.byTopic.clear();
    }
    group.sinks.add(sink);
    this.count += 1;
    return group;
  }

  /** Removes `sink` from `group`; false when it was not there (already removed). */
  remove(group: Group, sink: EventSink): boolean {
    if (!group.sinks.delete(sink)) return false;
    this.count -= 1;
    if (group.sinks.size === 0) {
      this.groups.delete(group.selection.key);
      this.byTopic.clear();
    }
    return true;
  }

  /** The groups whose selection matches `topic`. */
  matching(topic: string): readonly Group[] {
    let found = this.byTopic.get(topic);
    if (found === undefined) {
      found = [...this.groups.values()].filter((g) => g.selection.matches(topic));
      if (this.byTopic.size >= MAX_CACHED_TOPICS) this.byTopic.clear();
      this.byTopic.set(topic, found);
    }
    return found;
  }

  all(): IterableIterator<Group> {
    return this.groups.values();
  }
}
