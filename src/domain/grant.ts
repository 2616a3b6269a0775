import { fail, ok, type Result } from './result';
import { TopicSelection } from './topic-selection';

/**
 * What a verified token lets its holder do: read private events on the topics `subscribe` covers, publish
 * on those `publish` covers. An empty list covers nothing (unlike an empty stream `topic` query, which
 * means everything).
 */
export interface Grant {
  readonly subscribe: TopicSelection;
  readonly publish: TopicSelection;
  /** The token's `exp` in epoch milliseconds; absent when the token does not expire. */
  readonly expiresAt?: number;
}

/** The token's `sse` claim is not `{subscribe?: string[], publish?: string[]}` of valid topic filters. */
export type GrantError = { readonly code: 'claims'; readonly message: string };

/**
 * The Grant of a token whose `sse` claim is `claim` (undefined: no claim, which grants nothing). Each list
 * may be absent (nothing granted) but, when present, must be an array of filters in the stream's `topic`
 * syntax.
 */
export function grantOf(claim: unknown, expiresAt: number | undefined): Result<Grant, GrantError> {
  const none = TopicSelection.nothing;
  if (claim === undefined) return ok(withExpiry({ subscribe: none, publish: none }, expiresAt));
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

function filtersOf(raw: unknown, name: string): Result<TopicSelection, GrantError> {
  if (raw === undefined) return ok(TopicSelection.nothing);
  const list = Array.isArray(raw) ? (raw as readonly unknown[]) : undefined;
  if (list === undefined || !list.every((item) => typeof item === 'string')) {
    return fail({ code: 'claims', message: `"sse.${name}" must be an array of topic filters` });
  }
  const parsed = TopicSelection.of(list);
  if (!parsed.ok) return fail({ code: 'claims', message: `"sse.${name}" holds an invalid topic filter` });
  return ok(parsed.value);
}
