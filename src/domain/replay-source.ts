import type { Audience } from './audience';
import type { EventHistory } from './event-history';
import type { Frame } from './subscription';

/**
 * One step of a replay. `frames`: the next frames in order (`events` of them are events, the rest control
 * messages). `wait`: nothing is ready yet; `whenReady` will be called. `done`: nothing more. `lost`: what was
 * to be replayed is gone (the history moved past it): the client cannot get it from here. `failed`: the
 * source broke (the bus connection went): the client should reconnect and resume. `ahead`: see below.
 */
export type ReplayStep =
  | { readonly kind: 'frames'; readonly frames: Frame[]; readonly events: number }
  | { readonly kind: 'wait' | 'done' | 'lost' | 'failed' }
  /** The client already has every event up to `id`, which this replica has not fanned out yet: skip them. */
  | { readonly kind: 'ahead'; readonly id: string };

/** Frames a client gets before its live events, pulled as its connection takes them. */
export interface ReplaySource {
  /** The next frames, about `budget` bytes (at least one when any is ready). */
  next(budget: number): ReplayStep;
  /** After `wait`: `ready` is called once, later (never synchronously), when `next` has news. */
  whenReady(ready: () => void): void;
  /** Releases what the source holds; it is not used after this. */
  close(): void;
}

const DONE: ReplayStep = { kind: 'done' };
const LOST: ReplayStep = { kind: 'lost' };

/** Frames known up front (a reset, the `latest` entries). */
export class FramesReplay implements ReplaySource {
  private at = 0;

  constructor(
    private readonly frames: readonly Frame[],
    /** How many of them are events (they come after any control frames). */
    private readonly events: number,
  ) {}

  next(budget: number): ReplayStep {
    if (this.at >= this.frames.length) return DONE;
    const out: Frame[] = [];
    let bytes = 0;
    let events = 0;
    const controls = this.frames.length - this.events;
    while (this.at < this.frames.length && (out.length === 0 || bytes < budget)) {
      const frame = this.frames[this.at] as Frame;
      if (this.at >= controls) events += 1;
      this.at += 1;
      out.push(frame);
      bytes += frame.length;
    }
    return { kind: 'frames', frames: out, events };
  }

  whenReady(): void {
    // always ready
  }

  close(): void {
    this.at = this.frames.length;
  }
}

/**
 * Entries looked at in one step of a history replay. A replay whose audience sees few of a long history's
 * entries (topics that match nothing in a million) would otherwise hold the event loop for the whole scan;
 * past this it yields, and goes on on a later turn.
 */
export const SCAN_STEP = 16_384;

const WAIT: ReplayStep = { kind: 'wait' };

/**
 * The history from seq `from` up to (not including) `to`, as `audience` sees it: only a cursor is held.
 * `rewind` replays the last `count` events it sees before `to` instead, found by scanning back first.
 */
export class HistoryReplay implements ReplaySource {
  /** Events still to find, scanning back from `from`, before playing forward. */
  private toFind = 0;
  /** A rewind that has given nothing yet: entries evicted meanwhile only make it shorter (it asked for "the last N"). */
  private rewinding = false;

  constructor(
    private readonly history: EventHistory,
    private readonly audience: Audience,
    private from: number,
    private readonly to: number,
  ) {}

  /** The last `count` events `audience` sees before `to`. */
  static rewind(history: EventHistory, audience: Audience, count: number, to: number): HistoryReplay {
    const replay = new HistoryReplay(history, audience, to, to);
    replay.toFind = count;
    replay.rewinding = true;
    return replay;
  }

  next(budget: number): ReplayStep {
    // One step looks at SCAN_STEP entries at most, seeking and playing together.
    const sought = this.toFind > 0 ? this.seek() : 0;
    if (this.toFind > 0) return WAIT;
    // The oldest entries may have gone while a rewind waited between steps: it plays what is left.
    if (this.rewinding) this.from = Math.max(this.from, this.history.oldestSeq);
    const frames: Frame[] = [];
    let bytes = 0;
    for (
      let scanned = sought;
      scanned < SCAN_STEP && this.from < this.to && (frames.length === 0 || bytes < budget);
      scanned += 1
    ) {
      const entry = this.history.at(this.from);
      if (entry === undefined) return LOST;
      this.from += 1;
      if (!this.audience.sees(entry.topic, entry.private)) continue;
      frames.push(entry.frame);
      bytes += entry.frame.length;
    }
    if (frames.length === 0) return this.from < this.to ? WAIT : DONE;
    this.rewinding = false;
    return { kind: 'frames', frames, events: frames.length };
  }

  whenReady(ready: () => void): void {
    // Only a scan step ran out: go on on a later turn, once I/O has had its own.
    setTimeout(ready, 0);
  }

  close(): void {
    this.toFind = 0;
    this.from = this.to;
  }

  /** Scans back for the rewind's start, one step at most (`toFind` is 0 once found); returns the entries looked at. */
  private seek(): number {
    let scanned = 0;
    for (; this.toFind > 0 && this.from > this.history.oldestSeq; scanned += 1) {
      if (scanned === SCAN_STEP) return scanned;
      this.from -= 1;
      const entry = this.history.at(this.from);
      if (entry !== undefined && this.audience.sees(entry.topic, entry.private)) this.toFind -= 1;
    }
    this.toFind = 0;
    return scanned;
  }
}

/** Several sources played one after the other, as one. */
export class Chain implements ReplaySource {
  constructor(private readonly sources: ReplaySource[]) {}

  next(budget: number): ReplayStep {
    for (let source = this.sources[0]; source !== undefined; source = this.sources[0]) {
      const step = source.next(budget);
      if (step.kind !== 'done') return step;
      this.sources.shift()?.close();
    }
    return { kind: 'done' };
  }

  whenReady(ready: () => void): void {
    this.sources[0]?.whenReady(ready);
  }

  close(): void {
    for (const source of this.sources.splice(0)) source.close();
  }
}
