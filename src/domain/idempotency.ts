import type { StreamEvent } from './stream-event';

/** Of the events published with one key within this time of the first (by publish time), only the first counts. */
export const IDEMPOTENCY_WINDOW_MS = 10 * 60_000;
/** Ids of dropped repeats remembered, so a replay from the bus's log drops them too. */
const MAX_DROPPED = 100_000;

interface First {
  readonly id: string;
  readonly publishedAt: number;
}

/**
 * The idempotency keys seen on the bus: which event was the first with each key, and which later ones were
 * repeats. Decided from the events alone (their keys and publish times), in bus order, so every replica that
 * reads the same sequence makes the same decision.
 */
export class IdempotencyLedger {
  private readonly firsts = new Map<string, First>();
  private readonly dropped = new Set<string>();
  private newest = 0;

  /**
   * The id of the first event with `key`, if it was published within the window before `now` (a publisher's
   * clock) or before the newest publish time seen on the bus, whichever is later. Without `now`, a quiet bus
   * would keep a key alive for ever: nothing newer would come to move the window on.
   */
  firstId(key: string, now = this.newest): string | undefined {
    const first = this.firsts.get(key);
    const latest = Math.max(this.newest, now);
    return first !== undefined && latest - first.publishedAt < IDEMPOTENCY_WINDOW_MS ? first.id : undefined;
  }

  /** Whether an event from the bus is delivered: false for a repeat of a key within the window. */
  admit(event: StreamEvent): boolean {
    this.newest = Math.max(this.newest, event.publishedAt);
    const key = event.idempotencyKey;
    if (key === undefined) return true;
    const first = this.firsts.get(key);
    if (first !== undefined && first.id !== event.id && event.publishedAt - first.publishedAt < IDEMPOTENCY_WINDOW_MS) {
      this.remember(event.id);
      return false;
    }
    if (first === undefined || first.id !== event.id) {
      this.firsts.delete(key); // re-inserted: the Map stays in order of first publish
      this.firsts.set(key, { id: event.id, publishedAt: event.publishedAt });
    }
    this.prune();
    return true;
  }

  /** Whether the event with this id was dropped as a repeat. */
  wasDropped(id: string): boolean {
    return this.dropped.has(id);
  }

  private remember(id: string): void {
    this.dropped.add(id);
    if (this.dropped.size > MAX_DROPPED) this.dropped.delete(this.dropped.values().next().value as string);
  }

  /** Keys far older than the window are forgotten (twice the window: publishers' clocks may disagree). */
  private prune(): void {
    for (const [key, first] of this.firsts) {
      if (this.newest - first.publishedAt < 2 * IDEMPOTENCY_WINDOW_MS) return;
      this.firsts.delete(key);
    }
  }
}
