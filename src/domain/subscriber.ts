import type { Audience } from './audience';
import type { Backlog } from './backlog';
import type { EventSink } from './subscription';

/**
 * One client's subscription. Without a backlog it keeps up: the fan-out writes each event to it directly,
 * with the rest of its group. With one it is behind (replaying, or slower than the events): its events wait
 * in the backlog and go out as its connection takes them.
 */
export class Subscriber {
  backlog: Backlog | undefined;
  /** Set by TopicGroups when it joins a group. */
  group!: Group;
  closed = false;

  constructor(
    readonly audience: Audience,
    readonly sink: EventSink,
    /** When its token expires (epoch ms), if it has one. */
    readonly expiresAt?: number,
  ) {}
}

/** Subscribers with the same audience: whether a topic reaches them is decided once for all of them. */
export interface Group {
  readonly audience: Audience;
  /** Keeping up: written to directly by the fan-out. */
  readonly live: Set<Subscriber>;
  /** Behind: their events go to their backlogs. */
  readonly behind: Set<Subscriber>;
}
