/** A broadcast's wait for its event: the id delivered for its key, or undefined after the timeout or `cancel`. */
export interface Echo {
  readonly delivered: Promise<string | undefined>;
  /** Stops waiting (the publish failed: nothing will come back); `delivered` resolves undefined. */
  cancel(): void;
}

/**
 * Broadcasts with an Idempotency-Key waiting for their event to come back from the bus (stream mode), so
 * that each is answered with the id that is delivered: its own, or the first one's when it was a repeat.
 */
export class KeyedPublishes {
  private readonly waiting = new Map<string, ((id: string) => void)[]>();

  /** Waits for the id delivered for `key`, for at most `timeoutMs`. */
  echo(key: string, timeoutMs: number): Echo {
    let cancel = (): void => undefined;
    const delivered = new Promise<string | undefined>((resolve) => {
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
      cancel = () => done(undefined);
      waiters.push(arrived);
      this.waiting.set(key, waiters);
    });
    return { delivered, cancel };
  }

  /** The bus delivered `id` for `key` (or dropped a repeat whose first was `id`). */
  settle(key: string, id: string): void {
    for (const arrived of [...(this.waiting.get(key) ?? [])]) arrived(id);
  }
}
