/** One pause between polls; nothing else in the tests sleeps. */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a wait is for, or a function that says it at the timeout (with what was seen by then). */
export type What = string | (() => string);

const describe = (what: What): string => (typeof what === 'string' ? what : what());

/**
 * Polls `check` (sync or async) every `intervalMs` until it holds, or rejects after `timeoutMs` naming
 * `what`: the one way the tests wait.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: What,
  timeoutMs = 5_000,
  intervalMs = 20,
): Promise<void> {
  await eventuallyValue(async () => ((await check()) ? true : undefined), what, timeoutMs, intervalMs);
}

/** Like `eventually`, for a check that yields a value once it holds (anything but undefined or false). */
export async function eventuallyValue<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: What,
  timeoutMs = 5_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe(what)}`);
    await pause(intervalMs);
  }
}
