/**
 * Broadcasts with an Idempotency-Key waiting for their event to come back from the bus (stream mode), so
 * that each is answered with the id that is delivered: its own, or the first one's when it was a repeat.
 */
export class KeyedPublishes {
  private readonly waiting = new Map<string, ((id: string) => void)[]>();

  /** Resolves with the id delivered for `key`, or undefined after `timeoutMs`. */
  echo(key: string, timeoutMs: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(key) ?? [];
      const done = (id: string | undefined): void => {
        clearTimeout(timer);
        const at = waiters.indexOf(arrived);
        if (at >= 0) waiters.splice(at, 1);
        if (waiters.length === 0 && this.waiting.get(key) === waiters) this.waiting.delete(key);
        resolve(id);
      };
      const arrived = (id: string): void => done(id);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiters.push(arrived);
      this.waiting.set(key, waiters);
    });
  }

  /** The bus delivered `id` for `key` (or dropped a repeat whose first was `id`). */
  settle(key: string, id: string): void {
    for (const arrived of [...(this.waiting.get(key) ?? [])]) arrived(id);
  }
}
