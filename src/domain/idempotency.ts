import type { StreamEvent } from './stream-event';

/** Of the events published with one key within this time of the first (by publish time), only the first counts. */
export const IDEMPOTENCY_WINDOW_MS = 10 * 60_000;
/**
 * How long (by this replica's clock) a first is remembered after it arrived: twice the window, as publishers'
 * clocks may disagree. Local time, not publish time: one event stamped far in the future must not make the
 * ledger forget every key.
 */
const REMEMBERED_MS = 2 * IDEMPOTENCY_WINDOW_MS;
/** Ids of dropped repeats remembered, so a replay from the bus's log drops them too. */
const MAX_DROPPED = 100_000;

interface First {
  readonly id: string;
  readonly publishedAt: number;
  readonly arrivedAt: number;
}

/**
 * The idempotency keys seen on the bus: which event was the first with each key, and which later ones were
 * repeats. Decided from the events alone (their keys and publish times), in bus order, so every replica that
 * reads the same sequence makes the same decision.
 */
export class IdempotencyLedger {
  private readonly firsts = new Map<string, First>();
  private readonly dropped = new Set<string>();

  /** @param now this replica's clock, in ms: only when to forget a key, never what is a repeat. */
  constructor(private readonly now: () => number) {}

  /** The id of the first event with `key`, if its publish time is within the window of `at`. */
  firstId(key: string, at: number): string | undefined {
    const first = this.firsts.get(key);
    return first !== undefined && at - first.publishedAt < IDEMPOTENCY_WINDOW_MS ? first.id : undefined;
  }

  /** Whether an event from the bus is delivered: false for a repeat of a key within the window. */
  admit(event: StreamEvent): boolean {
    const now = this.now();
    this.prune(now);
    const key = event.idempotencyKey;
    if (key === undefined) return true;
    const first = this.firsts.get(key);
    if (first !== undefined && first.id !== event.id && event.publishedAt - first.publishedAt < IDEMPOTENCY_WINDOW_MS) {
      this.remember(event.id);
      return false;
    }
    if (first === undefined || first.id !== event.id) {
      this.firsts.delete(key); // re-inserted: the Map stays in order of arrival
      this.firsts.set(key, { id: event.id, publishedAt: event.publishedAt, arrivedAt: now });
    }
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

  private prune(now: number): void {
    for (const [key, first] of this.firsts) {
      if (now - first.arrivedAt < REMEMBERED_MS) return;
      this.firsts.delete(key);
    }
  }
}
