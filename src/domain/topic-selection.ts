import { filterMatches, filterText, parseTopicFilter, type TopicFilter } from './topic';
import { ok, type Result } from './result';
import type { DomainError } from './errors';

/**
 * The topics one subscription asked for: any of its filters matching is a match.
 * Subscriptions with the same selection share one `key`, which lets the Broker
 * match a topic once per distinct selection instead of once per client.
 */
export class TopicSelection {
  private constructor(
    private readonly filters: readonly TopicFilter[],
    readonly key: string,
  ) {}

  static readonly everything = new TopicSelection([], '*');

  static parse(raws: readonly string[]): Result<TopicSelection, DomainError> {
    const filters: TopicFilter[] = [];
    let everything = raws.length === 0;
    for (const raw of raws) {
      const parsed = parseTopicFilter(raw);
      if (!parsed.ok) return parsed;
      if (parsed.value.kind === 'all') everything = true;
      else filters.push(parsed.value);
    }
    if (everything) return ok(TopicSelection.everything);
    const key = [...new Set(filters.map(filterText))].sort().join(',');
    return ok(new TopicSelection(filters, key));
  }

  matches(topic: string): boolean {
    return this.filters.length === 0 || this.filters.some((f) => filterMatches(f, topic));
  }
}
