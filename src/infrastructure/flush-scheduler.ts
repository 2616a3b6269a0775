import { performance } from 'node:perf_hooks';
import type { FlushScheduler } from '../domain/broker-parts';

/**
 * How long events that arrive right after a fan-out wait for company. A sweep
 * over 10,000 sockets takes tens of milliseconds, so a few milliseconds of
 * gathering turn a burst into one write per client instead of one per event.
 */
export const BATCH_WINDOW_MS = 4;

/**
 * The first event after a quiet spell is fanned out on the next turn of the
 * event loop (no added latency at low rates); events arriving within
 * `windowMs` of the previous fan-out's end are gathered until then.
 */
export function batchingScheduler(windowMs = BATCH_WINDOW_MS): FlushScheduler {
  let lastEnd = Number.NEGATIVE_INFINITY;
  return (flush) => {
    const run = (): void => {
      try {
        flush();
      } finally {
        lastEnd = performance.now();
      }
    };
    const wait = lastEnd + windowMs - performance.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  };
}
