import { isValidName, NAME_RULE } from './name';
import { fail, ok, type Result } from './result';
import { invalidInput, type DomainError } from './errors';

/** A validated topic such as `rates.BTC-USD` or `broadcast`. */
export type Topic = string & { readonly __brand: 'Topic' };

export const BROADCAST_TOPIC = 'broadcast' as Topic;

export function parseTopic(raw: string): Result<Topic, DomainError> {
  return isValidName(raw) ? ok(raw as Topic) : fail(invalidInput(`topic "${raw.slice(0, 140)}" must be ${NAME_RULE}`));
}

/** One `topic` query value: an exact topic, a prefix ending in `*`, or `*` alone for everything. */
export type TopicFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'exact'; readonly topic: string }
  | { readonly kind: 'prefix'; readonly prefix: string };

export function parseTopicFilter(raw: string): Result<TopicFilter, DomainError> {
  if (raw === '*') return ok({ kind: 'all' });
  const isPrefix = raw.endsWith('*');
  const name = isPrefix ? raw.slice(0, -1) : raw;
  if (!isValidName(name)) {
    return fail(invalidInput(`topic "${raw.slice(0, 140)}" must be ${NAME_RULE}, optionally ending in *`));
  }
  return ok(isPrefix ? { kind: 'prefix', prefix: name } : { kind: 'exact', topic: name });
}

export function filterMatches(filter: TopicFilter, topic: string): boolean {
  switch (filter.kind) {
    case 'all':
      return true;
    case 'exact':
      return topic === filter.topic;
    case 'prefix':
      return topic.startsWith(filter.prefix);
  }
}

export const filterText = (filter: TopicFilter): string =>
  filter.kind === 'all' ? '*' : filter.kind === 'exact' ? filter.topic : `${filter.prefix}*`;

/**
 * One key for a topic and whether its events are private (`!` cannot start a topic): a topic's public and
 * private events are kept apart wherever they are indexed by topic.
 */
export const visibilityKey = (topic: string, isPrivate: boolean): string => (isPrivate ? `!${topic}` : topic);

/** The topic and privacy a visibilityKey stands for. */
export const ofVisibilityKey = (key: string): { readonly topic: string; readonly isPrivate: boolean } =>
  key.startsWith('!') ? { topic: key.slice(1), isPrivate: true } : { topic: key, isPrivate: false };
