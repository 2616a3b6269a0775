import type { Clock } from '../../../../src/application/ports/clock.port';
import type { Timer, TimerHandle } from '../../../../src/infrastructure/rates/timer';
import { FIXED_NOW } from '../../../fakes/fixed-clock';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** A clock and a timer that stand still until the test moves them: `advance` runs what falls due, in order. */
export class ManualTime implements Clock, Timer {
  private ms = FIXED_NOW;
  private seq = 0;
  private readonly pending = new Map<TimerHandle, Pending>();

  now(): number {
    return this.ms;
  }

  set(callback: () => void, ms: number): TimerHandle {
    const handle = { timer: this.seq + 1 };
    this.pending.set(handle, { at: this.ms + Math.max(0, ms), seq: (this.seq += 1), callback });
    return handle;
  }

  clear(handle: TimerHandle): void {
    this.pending.delete(handle);
  }

  /** How many calls wait, and the delays they were set for from now. */
  get waiting(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.ms).sort((a, b) => a - b);
  }

  /** Moves time on by `ms`, running each call that falls due at its own time (letting promises settle between). */
  async advance(ms: number): Promise<void> {
    const until = this.ms + ms;
    for (;;) {
      await settle();
      const next = [...this.pending.entries()]
        .filter(([, p]) => p.at <= until)
        .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.pending.delete(next[0]);
      this.ms = next[1].at;
      next[1].callback();
    }
    this.ms = until;
    await settle();
  }
}

/** Lets every promise chain that is ready run (a macrotask turn, so I/O callbacks are not starved). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
