import type { Audience } from './audience';
import type { EventHistory } from './event-history';
import type { EventLog } from './event-log';
import type { LatestEvents } from './latest-events';
import { LogReplay } from './log-replay';
import { Chain, FramesReplay, HistoryReplay, type ReplaySource } from './replay-source';
import type { StreamEvent } from './stream-event';
import type { Frame } from './subscription';
import { isValidName } from './name';

/** Where a new subscription starts: live, after a Last-Event-ID, with the last N events, or the latest per topic. */
export type ReplayStart =
  | { readonly kind: 'live' }
  | { readonly kind: 'after'; readonly id: string }
  | { readonly kind: 'rewind'; readonly count: number }
  | { readonly kind: 'latest' };

export interface ReplayParts {
  readonly history: EventHistory;
  /** Undefined with HISTORY_SIZE=0: `latest=1` then replays nothing. */
  readonly latest: LatestEvents | undefined;
  readonly log: EventLog | undefined;
  /** The `reset` frame telling a client that the id it asked for is not held. */
  readonly resetFrame: (lastEventId: string) => Frame;
  /** An event read back from the log as this audience gets it; undefined when it must not see it. */
  readonly logFrame: (event: StreamEvent, audience: Audience) => Frame | undefined;
}

/**
 * What a new subscription replays before its live events, as sources that each hold only a position (the
 * frames are the history's). Made in the same synchronous step as the registration, so nothing published
 * meanwhile is missed or sent twice. `busy`: the log has too many reads running.
 */
export function planReplay(parts: ReplayParts, audience: Audience, start: ReplayStart): ReplaySource[] | 'busy' {
  const { history } = parts;
  const head = history.nextSeq;
  switch (start.kind) {
    case 'live':
      return [];
    case 'latest': {
      const frames = parts.latest?.seenBy(audience).map((entry) => entry.frame) ?? [];
      return frames.length === 0 ? [] : [new FramesReplay(frames, frames.length)];
    }
    case 'rewind':
      return [HistoryReplay.rewind(history, audience, start.count, head)];
    case 'after': {
      const seq = history.seqOf(start.id);
      if (seq !== undefined) return seq + 1 < head ? [new HistoryReplay(history, audience, seq + 1, head)] : [];
      const gap = (): ReplaySource[] => [
        new FramesReplay([parts.resetFrame(start.id)], 0),
        new HistoryReplay(history, audience, history.oldestSeq, head),
      ];
      // No event on the bus has an id outside the name rule: there is nothing to look for in the log.
      const read = isValidName(start.id) ? parts.log?.readAfter(start.id) : undefined;
      if (read === undefined) return gap();
      if (read === 'busy') return 'busy';
      const fallback = (): ReplaySource => new Chain(gap());
      return [new LogReplay(start.id, read, (event) => parts.logFrame(event, audience), fallback)];
    }
  }
}
