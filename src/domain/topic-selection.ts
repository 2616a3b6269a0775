import { invalidInput, type DomainError } from './errors';
import { fail, ok, type Result } from './result';
import { filterMatches, filterText, parseTopicFilter, type TopicFilter } from './topic';

/** More `topic` values in one stream request are refused: the match cost of a group grows with them. */
export const MAX_TOPICS = 64;

/**
 * A set of topic filters: the topics a subscription asked for, or the topics a token lets its holder read
 * or publish privately. Any filter matching is a match. Selections with the same filters share one `key`,
 * which lets the Broker match a topic once per distinct selection instead of once per client.
 */
export class TopicSelection {
  private constructor(
    private readonly filters: readonly TopicFilter[] | 'all',
    readonly key: string,
  ) {}

  static readonly everything = new TopicSelection('all', '*');
  static readonly nothing = new TopicSelection([], '');

  /** A stream's `topic` values: none means every topic; at most MAX_TOPICS. */
  static parse(raws: readonly string[]): Result<TopicSelection, DomainError> {
    if (raws.length > MAX_TOPICS) return fail(invalidInput(`at most ${MAX_TOPICS} topics per stream`));
    if (raws.length === 0) return ok(TopicSelection.everything);
    return TopicSelection.of(raws);
  }

  /** Exactly the filters given (none: nothing), as a token's claim lists them. */
  static of(raws: readonly string[]): Result<TopicSelection, DomainError> {
    const filters: TopicFilter[] = [];
    let all = false;
    // Every filter is checked, those after a `*` too: `*` must not let an invalid one through.
    for (const raw of raws) {
      const parsed = parseTopicFilter(raw);
      if (!parsed.ok) return parsed;
      if (parsed.value.kind === 'all') all = true;
      else filters.push(parsed.value);
    }
    if (all) return ok(TopicSelection.everything);
    if (filters.length === 0) return ok(TopicSelection.nothing);
    const key = [...new Set(filters.map(filterText))].sort().join(',');
    return ok(new TopicSelection(filters, key));
  }

  matches(topic: string): boolean {
    return this.filters === 'all' || this.filters.some((f) => filterMatches(f, topic));
  }
}
