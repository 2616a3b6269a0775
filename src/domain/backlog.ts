import { PendingQueue } from './pending-queue';
import { Chain, type ReplaySource, type ReplayStep } from './replay-source';

/** Whether a pump of this backlog is already due: after the transport flushes, or when the replay has news. */
export type Waiting = 'flush' | 'source' | undefined;

/**
 * What one client that is behind still has to get, in order: its replay sources, then the events that
 * arrived since (pending). Written out by CatchUp as the client's connection takes it.
 */
export class Backlog {
  readonly pending = new PendingQueue();
  waiting: Waiting;
  /** Bytes written to the client while behind (with what was queued when it fell behind). */
  handed = 0;
  /** `handed` minus the bytes still queued, when last seen to grow, and when that was. */
  taken = 0;
  progressAt: number;
  /** pending + queued bytes, as last counted towards the bound on all slow clients together. */
  accounted = 0;

  /**
   * It began with a replay: what waits in the transport then does not count against the client, not even
   * once the last round is written (those bytes are the replay's; the rounds bound them).
   */
  readonly withReplay: boolean;

  private readonly replay: Chain;

  constructor(sources: ReplaySource[], now: number) {
    this.replay = new Chain(sources);
    this.withReplay = sources.length > 0;
    this.progressAt = now;
  }

  /** The next step: the first unfinished source's, then the pending frames, then done. */
  next(budget: number): ReplayStep {
    const step = this.replay.next(budget);
    if (step.kind !== 'done') return step;
    if (this.pending.size === 0) return { kind: 'done' };
    const { frames, events } = this.pending.take(budget);
    return { kind: 'frames', frames, events };
  }

  /** Registers `ready` with the source that answered `wait`. */
  whenSourceReady(ready: () => void): void {
    this.replay.whenReady(ready);
  }

  close(): void {
    this.replay.close();
  }
}
