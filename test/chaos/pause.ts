import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms` (nothing for ms <= 0), or less if `signal` aborts; never rejects. Paces the run, waits for no condition. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

/** Read through a call: after an await, the compiler would still take `aborted` for what an earlier check found. */
export const isAborted = (signal: AbortSignal): boolean => signal.aborted;
