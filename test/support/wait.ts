import { sleep } from './http';

/**
 * Polls `check` (sync or async) every `intervalMs` until it holds, or rejects
 * after `timeoutMs` naming `what`: the only waiting the multi-process tests do.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
