import { PendingQueue } from './pending-queue';
import { Chain, type ReplaySource, type ReplayStep } from './replay-source';
import type { Frame } from './subscription';

/**
 * Whether a pump of this backlog is already due: after the transport flushes, when the replay has news, or
 * when the event the client already has arrives.
 */
export type Waiting = 'flush' | 'source' | 'skip' | undefined;

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
  /** The client already has the events up to this id, which has not arrived here yet: they are dropped. */
  private skipThrough: string | undefined;

  constructor(sources: ReplaySource[], now: number) {
    this.replay = new Chain(sources);
    this.withReplay = sources.length > 0;
    this.progressAt = now;
  }

  /** Until the event the client already has arrives, the backlog may not be left: live writes would repeat. */
  get skipping(): boolean {
    return this.skipThrough !== undefined;
  }

  /**
   * Queues one frame behind the replay (an event with its id, a control message without): `queued`, or
   * `skipped` (the client has it), or `reached` when it was the event the client already had (what follows
   * is new to it).
   */
  push(frame: Frame, conflateAs?: string, id?: string): 'queued' | 'skipped' | 'reached' {
    if (this.skipThrough !== undefined && id !== undefined) {
      if (id !== this.skipThrough) return 'skipped';
      this.skipThrough = undefined;
      return 'reached';
    }
    this.pending.push(frame, conflateAs, id);
    return 'queued';
  }

  /** The next step: the first unfinished source's, then the pending frames, then done. */
  next(budget: number): Exclude<ReplayStep, { kind: 'ahead' }> {
    let step = this.replay.next(budget);
    while (step.kind === 'ahead') {
      if (!this.pending.dropThrough(step.id)) this.skipThrough = step.id;
      step = this.replay.next(budget);
    }
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
