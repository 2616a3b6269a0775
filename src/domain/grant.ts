import { fail, ok, type Result } from './result';
import { filterMatches, filterText, parseTopicFilter, type TopicFilter } from './topic';

/**
 * What a verified token lets its holder do: read private events on the topics
 * `subscribe` covers, publish on those `publish` covers. An empty list covers
 * nothing (unlike an empty stream `topic` query, which means everything).
 */
export interface Grant {
  readonly subscribe: readonly TopicFilter[];
  readonly publish: readonly TopicFilter[];
  /** The token's `exp` in epoch milliseconds; absent when the token does not expire. */
  readonly expiresAt?: number;
}

/** The token's `sse` claim is not `{subscribe?: string[], publish?: string[]}` of valid topic filters. */
export type GrantError = { readonly code: 'claims'; readonly message: string };

/** Whether any of `filters` matches `topic`; none do when the list is empty. */
export const covers = (filters: readonly TopicFilter[], topic: string): boolean =>
  filters.some((f) => filterMatches(f, topic));

/** Grants with equal filters share one key, so a caller can check a topic once per distinct grant. */
export const filtersKey = (filters: readonly TopicFilter[]): string =>
  [...new Set(filters.map(filterText))].sort().join(',');

/**
 * The Grant of a token whose `sse` claim is `claim` (undefined: no claim, which
 * grants nothing). Each list may be absent (nothing granted) but, when present,
 * must be an array of filters in the stream's `topic` syntax.
 */
export function grantOf(claim: unknown, expiresAt: number | undefined): Result<Grant, GrantError> {
  if (claim === undefined) return ok(withExpiry({ subscribe: [], publish: [] }, expiresAt));
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    return fail({ code: 'claims', message: 'the "sse" claim must be an object' });
  }
  const record = claim as Readonly<Record<string, unknown>>;
  const subscribe = filtersOf(record.subscribe, 'subscribe');
  if (!subscribe.ok) return subscribe;
  const publish = filtersOf(record.publish, 'publish');
  if (!publish.ok) return publish;
  return ok(withExpiry({ subscribe: subscribe.value, publish: publish.value }, expiresAt));
}

const withExpiry = (grant: Grant, expiresAt: number | undefined): Grant =>
  expiresAt === undefined ? grant : { ...grant, expiresAt };

function filtersOf(raw: unknown, name: string): Result<readonly TopicFilter[], GrantError> {
  if (raw === undefined) return ok([]);
  if (!Array.isArray(raw)) return fail({ code: 'claims', message: `"sse.${name}" must be an array of topic filters` });
  const filters: TopicFilter[] = [];
  for (const item of raw as readonly unknown[]) {
    const parsed = typeof item === 'string' ? parseTopicFilter(item) : undefined;
    if (parsed === undefined || !parsed.ok) {
      return fail({ code: 'claims', message: `"sse.${name}" holds an invalid topic filter` });
    }
    filters.push(parsed.value);
  }
  return ok(filters);
}
