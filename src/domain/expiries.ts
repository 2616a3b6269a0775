import type { Subscriber } from './subscriber';

/** How long before its token expires a stream is told so (`auth-expiring`). */
export const EXPIRY_WARNING_MS = 30_000;

interface Due {
  readonly at: number;
  readonly subscriber: Subscriber;
  readonly kind: 'warn' | 'close';
}

/**
 * When streams opened with an expiring token are warned and closed: one binary heap for all of them, read by
 * the Broker's tick, instead of a timer per stream. Entries of streams that ended meanwhile are skipped when
 * they come up, and swept out if they ever outnumber the live ones.
 */
export class Expiries {
  private heap: Due[] = [];
  private ended = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules the warning (at once if less than EXPIRY_WARNING_MS is left) and the close. */
  add(subscriber: Subscriber, expiresAt: number, now: number): void {
    this.push({ at: Math.max(now, expiresAt - EXPIRY_WARNING_MS), subscriber, kind: 'warn' });
    this.push({ at: expiresAt, subscriber, kind: 'close' });
  }

  /** A subscriber with entries here ended: its entries will be skipped. */
  forget(): void {
    this.ended += 2;
    if (this.ended * 2 > this.heap.length) this.sweep();
  }

  /** Removes and returns what is due at `now`, earliest first, skipping ended streams. */
  due(now: number): Due[] {
    const out: Due[] = [];
    while (this.heap.length > 0 && (this.heap[0] as Due).at <= now) {
      const next = this.pop();
      if (next.subscriber.closed) this.ended = Math.max(0, this.ended - 1);
      else out.push(next);
    }
    return out;
  }

  private sweep(): void {
    const kept = this.heap.filter((d) => !d.subscriber.closed);
    this.heap = [];
    this.ended = 0;
    for (const due of kept) this.push(due);
  }

  private push(due: Due): void {
    const heap = this.heap;
    heap.push(due);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Due).at <= due.at) break;
      heap[i] = heap[parent] as Due;
      heap[parent] = due;
      i = parent;
    }
  }

  private pop(): Due {
    const heap = this.heap;
    const top = heap[0] as Due;
    const last = heap.pop() as Due;
    if (heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && (heap[l] as Due).at < (heap[least] as Due).at) least = l;
      if (r < heap.length && (heap[r] as Due).at < (heap[least] as Due).at) least = r;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least] as Due, heap[i] as Due];
      i = least;
    }
    return top;
  }
}
