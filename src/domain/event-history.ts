import type { Entry } from './entry';

/**
 * The last entries in fan-out order, for replay: at most `capacity` of them and `maxBytes` of frames; past
 * either bound the oldest go first. A ring indexed by each entry's running number (`seq`): append, lookup by
 * id and access by seq are O(1), and a replay holds only a seq, so it costs nothing however long it is.
 */
export class EventHistory {
  private readonly ring: (Entry | undefined)[];
  private readonly seqById = new Map<string, number>();
  private oldest = 0;
  private next = 0;
  private bytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number,
  ) {
    this.ring = new Array<Entry | undefined>(capacity);
  }

  /** The seq of the oldest entry held (equal to nextSeq when empty). */
  get oldestSeq(): number {
    return this.oldest;
  }

  /** The seq the next entry will get. */
  get nextSeq(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.oldest;
  }

  has(id: string): boolean {
    return this.seqById.has(id);
  }

  seqOf(id: string): number | undefined {
    return this.seqById.get(id);
  }

  /** The entry at `seq`, or undefined once it has been evicted (or was never held). */
  at(seq: number): Entry | undefined {
    return seq >= this.oldest && seq < this.next ? this.ring[seq % this.capacity] : undefined;
  }

  /** Makes the entry for the next seq with `make` (which receives that seq) and keeps it. */
  append(make: (seq: number) => Entry): Entry {
    const entry = make(this.next);
    if (this.capacity === 0) {
      this.next += 1;
      this.oldest = this.next;
      return entry;
    }
    if (this.size === this.capacity) this.evictOldest();
    this.ring[this.next % this.capacity] = entry;
    this.seqById.set(entry.id, this.next);
    this.bytes += entry.frame.length;
    this.next += 1;
    while (this.bytes > this.maxBytes && this.size > 0) this.evictOldest();
    return entry;
  }

  private evictOldest(): void {
    const slot = this.oldest % this.capacity;
    const evicted = this.ring[slot];
    if (evicted !== undefined) {
      this.seqById.delete(evicted.id);
      this.bytes -= evicted.frame.length;
    }
    this.ring[slot] = undefined;
    this.oldest += 1;
  }
}
