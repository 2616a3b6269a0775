import type { TopicSelection } from './topic-selection';

/** What a verified token lets its holder do (its `sse` claim), and until when. */
export interface Grant {
  /** Topics whose private events the holder may read. */
  readonly subscribe: TopicSelection;
  /** Topics the holder may publish to. */
  readonly publish: TopicSelection;
  /** Epoch ms of the token's `exp`, if it has one. */
  readonly expiresAt?: number | undefined;
}
