/** How a delivery stands against what the consumer has already processed. */
export type Judgement =
  /** At or below the last offset processed: a resend (the broker may start at a chunk's first message). */
  | 'old'
  /** The next message to process. */
  | 'next'
  /** After a resume, a message past the last one processed came first: that one is gone (retention). */
  | 'gap'
  /** After a resume, another message sits at the offset of the last one processed: a new stream. */
  | 'replaced';

/** Where the warm-up starts and what it must reach. */
export interface WarmUpPlan {
  /** The first offset to read: where the history loaded begins, or the recall before it. */
  readonly start: number;
  /** Where the history loaded begins: the earlier of "N events back" and "the window's first chunk". */
  readonly loadFrom: number;
  /** The last offset that existed at start (the probe's offset minus one); -1 for an empty stream. */
  readonly target: number;
}

/**
 * This replica's place in the stream, kept across connections: the offset of
 * the last message it processed (handed on, or skipped as a probe or as
 * malformed), where to attach next, how far the tail was when last probed,
 * and whether the warm-up has caught up. No I/O: the stream topology and
 * consumer drive it.
 *
 * A resume attaches at the last message processed, not after it, and checks
 * that it comes back unchanged: offsets are not all messages (the broker
 * starts every segment with one of its own), so "the next offset came first"
 * proves nothing, while "the last message is still there" proves that
 * retention took nothing after it, and its bytes tell a stream deleted and
 * declared anew (whose offsets start over) from the one it read.
 */
export class StreamCursor {
  private last: number | undefined;
  /** The id and bytes of the message at `last`, to recognise it when a resume delivers it again. */
  private lastId: unknown;
  private lastContent: Buffer | undefined;
  private plan: WarmUpPlan | undefined;
  private tail: number | undefined;
  /** Since a resume, until the message at `last` (or one past it) has come back. */
  private verifying = false;
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

  /** Whether the message at `offset` lies before the history loaded: recalled, not delivered. */
  recalls(offset: number): boolean {
    return this.plan !== undefined && offset < this.plan.loadFrom;
  }

  /** Where to attach now: at the last message processed, else the warm-up start; undefined: plan first. */
  attachOffset(): number | undefined {
    return this.last ?? this.plan?.start;
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

  /** A consumer was attached at `attachOffset()`: a resume is checked, a warm-up start is not. */
  attached(): void {
    // A warm-up start may lie before the stream's first offset (fewer than N events, or retention): the
    // broker starts at the first one, and that is no loss.
    this.verifying = this.last !== undefined;
  }

  /**
   * How a delivery at `offset` with this message id and these bytes stands (the broker may start at its
   * chunk's first message). Both are compared: probes share their bytes, events may share their data.
   */
  judge(offset: number, content: Buffer, id: unknown): Judgement {
    const last = this.last;
    if (last === undefined || offset > last) {
      if (!this.verifying) return 'next';
      this.verifying = false;
      return 'gap';
    }
    if (offset < last || !this.verifying) return 'old';
    this.verifying = false;
    return id === this.lastId && this.lastContent?.equals(content) === true ? 'old' : 'replaced';
  }

  /** The message at `offset` has been processed; true when this completes the warm-up. */
  advance(offset: number, content: Buffer, id: unknown): boolean {
    this.last = offset;
    this.lastId = id;
    this.lastContent = content;
    return this.checkWarm();
  }

  /** The stream was replaced: everything known about it is void. */
  reset(): void {
    this.last = undefined;
    this.lastId = undefined;
    this.lastContent = undefined;
    this.plan = undefined;
    this.tail = undefined;
    this.verifying = false;
    this.warm = false;
  }

  private checkWarm(): boolean {
    if (this.warm || this.plan === undefined) return false;
    this.warm = (this.last ?? this.plan.start - 1) >= this.plan.target;
    return this.warm;
  }
}
