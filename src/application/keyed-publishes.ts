/** A broadcast's wait for its event: the id delivered for its key, or undefined after the timeout or `cancel`. */
export interface Echo {
  readonly delivered: Promise<string | undefined>;
  /** Stops waiting (the publish failed: nothing will come back); `delivered` resolves undefined. */
  cancel(): void;
}

/**
 * Broadcasts with an Idempotency-Key waiting for their event to come back from the bus (stream mode), so
 * that each is answered with the id that is delivered: its own, or the first one's when it was a repeat.
 * Each waits for its own event, not for any of its key: an older event of the key still on its way (a
 * replica catching up) would answer it with an id that is not its event's.
 */
export class KeyedPublishes {
  private readonly waiting = new Map<string, (deliveredId: string) => void>();

  /** Waits, for at most `timeoutMs`, for the event `id` to come back, and for the id delivered for it. */
  echo(id: string, timeoutMs: number): Echo {
    let cancel = (): void => undefined;
    const delivered = new Promise<string | undefined>((resolve) => {
      const done = (deliveredId: string | undefined): void => {
        clearTimeout(timer);
        if (this.waiting.get(id) === done) this.waiting.delete(id);
        resolve(deliveredId);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      cancel = () => done(undefined);
      this.waiting.set(id, done);
    });
    return { delivered, cancel };
  }

  /** The bus brought back the event `id`: `deliveredId` is delivered for it (its own, or its key's first). */
  settle(id: string, deliveredId: string): void {
    this.waiting.get(id)?.(deliveredId);
  }
}
