/**
 * The stream offsets of the most recent event ids this replica handed on,
 * so that a replay from a recent id attaches exactly there instead of by
 * timestamp. Bounded: the oldest entry goes first (a Map keeps insertion order).
 */
export class OffsetIndex {
  private readonly offsets = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  record(id: string, offset: number): void {
    if (this.capacity <= 0) return;
    this.offsets.delete(id);
    this.offsets.set(id, offset);
    if (this.offsets.size > this.capacity) {
      const oldest = this.offsets.keys().next();
      if (oldest.done !== true) this.offsets.delete(oldest.value);
    }
  }

  offsetOf(id: string): number | undefined {
    return this.offsets.get(id);
  }

  /** Forgets everything (the stream was deleted). */
  clear(): void {
    this.offsets.clear();
  }
}
