/** How a delivery stands against what the consumer has already processed. */
export type Judgement =
  /** At or below the last offset processed: a resend (the broker may start at a chunk's first message). */
  | 'old'
  /** The next message to process. */
  | 'next'
  /** The first message after a resume, past the offset asked for: what lay between is gone (retention). */
  | 'gap';

/** Where the warm-up starts and what it must reach. */
export interface WarmUpPlan {
  /** The first offset to read: the earlier of "N events back" and "the window's first chunk". */
  readonly start: number;
  /** The last offset that existed at start (the probe's offset minus one); -1 for an empty stream. */
  readonly target: number;
}

/**
 * This replica's place in the stream, kept across connections: the offset of
 * the last message it processed (handed on, or skipped as a probe or as
 * malformed), where to attach next, how far the tail was when last probed,
 * and whether the warm-up has caught up. No I/O: the stream topology and
 * consumer drive it.
 */
export class StreamCursor {
  private last: number | undefined;
  private plan: WarmUpPlan | undefined;
  private tail: number | undefined;
  /** Offset asked for at the latest resume, until the first new delivery has been checked against it. */
  private asked: number | undefined;
  private warm = false;

  /** The offset of the last message processed, if any. */
  get lastOffset(): number | undefined {
    return this.last;
  }

  /** The warm-up has handed on everything up to the tail seen at start. */
  get caughtUp(): boolean {
    return this.warm;
  }

  /** Whether a warm-up plan exists (else the next connection must find one). */
  get planned(): boolean {
    return this.plan !== undefined;
  }

  /** Messages between the last one processed and the tail last probed; undefined before any probe. */
  get behind(): number | undefined {
    if (this.tail === undefined || this.plan === undefined) return undefined;
    return Math.max(0, this.tail - (this.last ?? this.plan.start - 1));
  }

  /** Where to attach now: after the last message processed, else the warm-up start; undefined: plan first. */
  attachOffset(): number | undefined {
    return this.last === undefined ? this.plan?.start : this.last + 1;
  }

  /**
   * A probe landed at `probe` (the tail plus one). False when that cannot be
   * this stream: offsets only grow, so a new probe lies past everything seen
   * and past the warm-up's own probe. The stream was deleted and declared
   * anew: the caller resets and signals a gap.
   */
  probed(probe: number): boolean {
    if (this.plan !== undefined && probe <= Math.max(this.last ?? -1, this.plan.target + 1)) return false;
    this.tail = probe - 1;
    return true;
  }

  /** The warm-up plan; true when there is nothing to load. */
  begin(plan: WarmUpPlan): boolean {
    this.plan = plan;
    this.tail = plan.target;
    return this.checkWarm();
  }

  /** A consumer was attached at `offset`: a resume is checked against it, a warm-up start is not. */
  attached(offset: number): void {
    // A warm-up start may lie before the stream's first offset (fewer than N events, or retention): the
    // broker starts at the first one, and that is no loss. A resume asks for what followed a message seen.
    this.asked = this.last === undefined ? undefined : offset;
  }

  judge(offset: number): Judgement {
    if (this.last !== undefined && offset <= this.last) return 'old';
    const asked = this.asked;
    this.asked = undefined;
    return asked !== undefined && offset > asked ? 'gap' : 'next';
  }

  /** `offset` has been processed; true when this completes the warm-up. */
  advance(offset: number): boolean {
    this.last = offset;
    return this.checkWarm();
  }

  /** The stream was replaced: everything known about it is void. */
  reset(): void {
    this.last = undefined;
    this.plan = undefined;
    this.tail = undefined;
    this.asked = undefined;
    this.warm = false;
  }

  private checkWarm(): boolean {
    if (this.warm || this.plan === undefined) return false;
    this.warm = (this.last ?? this.plan.start - 1) >= this.plan.target;
    return this.warm;
  }
}
