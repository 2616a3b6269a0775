import { TopicSelection } from './topic-selection';

/**
 * Who one subscription is for: the topics it asked for, and the topics whose private events it may read
 * (from its token; none without one). Subscriptions with the same audience share a topic group, so whether
 * an event reaches them is decided once per group and topic, never per client.
 */
export class Audience {
  readonly key: string;

  constructor(
    readonly topics: TopicSelection,
    readonly privateTopics: TopicSelection = TopicSelection.nothing,
  ) {
    this.key = `${topics.key}|${privateTopics.key}`;
  }

  /** Whether an event of `topic` (private or not) reaches this audience. */
  sees(topic: string, isPrivate: boolean): boolean {
    return this.topics.matches(topic) && (!isPrivate || this.privateTopics.matches(topic));
  }
}
