/**
 * The last `capacity` entries in arrival order, for Last-Event-ID replay.
 * A ring with a running sequence number: append and lookup by id are O(1).
 */
export class EventHistory<T extends { readonly id: string }> {
  private readonly ring: (T | undefined)[];
  private readonly seqById = new Map<string, number>();
  /** Sequence number the next append gets. */
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return Math.min(this.next, this.capacity);
  }

  has(id: string): boolean {
    return this.seqById.has(id);
  }

  append(entry: T): void {
    if (this.capacity === 0) return;
    const slot = this.next % this.capacity;
    const evicted = this.ring[slot];
    if (evicted !== undefined) this.seqById.delete(evicted.id);
    this.ring[slot] = entry;
    this.seqById.set(entry.id, this.next);
    this.next += 1;
  }

  /**
   * The entries after `id`, oldest first. `found: false` means the history does
   * not hold `id` (too old or never seen); `entries` is then the whole history.
   */
  after(id: string): { readonly found: boolean; readonly entries: T[] } {
    const seq = this.seqById.get(id);
    const oldest = this.next - this.size;
    const from = seq === undefined ? oldest : seq + 1;
    return { found: seq !== undefined, entries: this.range(from) };
  }

  private range(from: number): T[] {
    const out: T[] = [];
    for (let seq = from; seq < this.next; seq += 1) {
      out.push(this.ring[seq % this.capacity] as T);
    }
    return out;
  }
}
