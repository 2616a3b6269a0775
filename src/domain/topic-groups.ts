import type { Group, Subscriber } from './subscriber';
import { ofVisibilityKey, visibilityKey } from './topic';

/** Topics whose matching groups are remembered; past it the one cached longest ago goes. */
const MAX_CACHED_TOPICS = 4096;

/**
 * The subscription index: subscribers grouped by audience, and a cache from a topic (public or private) to
 * the groups that see it, so a fan-out never scans subscriptions. A new or emptied group updates the cached
 * lists in place: no client's new selection flushes the cache for everyone.
 */
export class TopicGroups {
  private readonly groups = new Map<string, Group>();
  private readonly cache = new Map<string, Set<Group>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `subscriber` to its audience's group (as live, or behind when it has a backlog). */
  add(subscriber: Subscriber): Group {
    let group = this.groups.get(subscriber.audience.key);
    if (group === undefined) {
      group = { audience: subscriber.audience, live: new Set(), behind: new Set() };
      this.groups.set(group.audience.key, group);
      for (const [key, found] of this.cache) {
        const { topic, isPrivate } = ofVisibilityKey(key);
        if (group.audience.sees(topic, isPrivate)) found.add(group);
      }
    }
    subscriber.group = group;
    (subscriber.backlog === undefined ? group.live : group.behind).add(subscriber);
    this.count += 1;
    return group;
  }

  /** Removes `subscriber`; false when it was not there (already removed). */
  remove(subscriber: Subscriber): boolean {
    const group = subscriber.group;
    if (!group.live.delete(subscriber) && !group.behind.delete(subscriber)) return false;
    this.count -= 1;
    if (group.live.size === 0 && group.behind.size === 0) {
      this.groups.delete(group.audience.key);
      for (const found of this.cache.values()) found.delete(group);
    }
    return true;
  }

  /** The groups that see an event of `topic`. */
  matching(topic: string, isPrivate: boolean): ReadonlySet<Group> {
    const key = visibilityKey(topic, isPrivate);
    let found = this.cache.get(key);
    if (found === undefined) {
      found = new Set([...this.groups.values()].filter((g) => g.audience.sees(topic, isPrivate)));
      if (this.cache.size >= MAX_CACHED_TOPICS) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, found);
    }
    return found;
  }

  all(): IterableIterator<Group> {
    return this.groups.values();
  }
}
