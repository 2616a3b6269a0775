import { REAL_TIMER, type Timer, type TimerHandle } from './timer';

/** One poll: resolves with the delay in milliseconds before the next one starts. `signal` aborts at stop. */
export type Poll = (signal: AbortSignal) => Promise<number>;

/**
 * Runs a poll, waits the delay it returns, runs the next: never two at once,
 * so a slow poll delays the next one instead of stacking requests. A poll
 * that rejects (a bug) is reported and followed by the next after `fallbackMs`;
 * nothing escapes the timer. It waits on `timer` (Node's by default), so
 * tests can move time without sleeping.
 */
export class RatePoller {
  private controller: AbortController | undefined;
  private pending: TimerHandle | undefined;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly poll: Poll,
    private readonly fallbackMs: number,
    private readonly onBug: (error: unknown) => void,
    private readonly timer: Timer = REAL_TIMER,
  ) {}

  get running(): boolean {
    return this.controller !== undefined;
  }

  /** Starts the first poll now; a second start while running does nothing. */
  start(): void {
    if (this.controller !== undefined) return;
    const controller = new AbortController();
    this.controller = controller;
    this.run(controller.signal);
  }

  /** Aborts the poll under way, cancels the next, and resolves once nothing is left running. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = undefined;
    if (this.pending !== undefined) this.timer.clear(this.pending);
    this.pending = undefined;
    await this.current;
  }

  private run(signal: AbortSignal): void {
    this.pending = undefined;
    this.current = Promise.resolve(signal)
      .then(this.poll)
      .catch((error: unknown) => {
        try {
          this.onBug(error);
        } catch {
          // reporting failed too; the loop carries on regardless
        }
        return this.fallbackMs;
      })
      .then((delayMs) => {
        if (!signal.aborted) this.pending = this.timer.set(() => this.run(signal), delayMs);
      });
  }
}
