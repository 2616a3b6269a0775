/** What `Timer.set` returns, for `Timer.clear`; opaque to callers. */
export type TimerHandle = object;

/** Where the rate code waits: setTimeout and clearTimeout behind a port, so tests can move time themselves. */
export interface Timer {
  /** Calls `callback` once, `ms` from now (never before). Never throws. */
  set(callback: () => void, ms: number): TimerHandle;
  /** Cancels a pending call; a handle already run or cleared is ignored. */
  clear(handle: TimerHandle): void;
}

/** Node's own timers. */
export const REAL_TIMER: Timer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
