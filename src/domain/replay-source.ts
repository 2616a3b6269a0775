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

/** The history from seq `from` up to (not including) `to`, as `audience` sees it: only a cursor is held. */
export class HistoryReplay implements ReplaySource {
  constructor(
    private readonly history: EventHistory,
    private readonly audience: Audience,
    private from: number,
    private readonly to: number,
  ) {}

  next(budget: number): ReplayStep {
    const frames: Frame[] = [];
    let bytes = 0;
    while (this.from < this.to && (frames.length === 0 || bytes < budget)) {
      const entry = this.history.at(this.from);
      if (entry === undefined) return LOST;
      this.from += 1;
      if (!this.audience.sees(entry.topic, entry.private)) continue;
      frames.push(entry.frame);
      bytes += entry.frame.length;
    }
    return frames.length === 0 ? DONE : { kind: 'frames', frames, events: frames.length };
  }

  whenReady(): void {
    // always ready
  }

  close(): void {
    this.from = this.to;
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
