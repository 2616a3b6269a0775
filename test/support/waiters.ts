/**
 * Promises that resolve when a condition on something a test watches becomes true: checked at once and
 * every time the owner calls `notify` (a read, an end), with no polling.
 */
export class Waiters {
  private readonly checks = new Set<() => void>();

  /** Resolves once `holds()` is true, or rejects after `timeoutMs` with the message `failure()` gives then. */
  until(holds: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!holds()) return;
        clearTimeout(timer);
        this.checks.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(failure()));
      }, timeoutMs);
      this.checks.add(check);
    });
  }

  /** Something changed: every pending condition is checked again. */
  notify(): void {
    for (const check of [...this.checks]) check();
  }
}
