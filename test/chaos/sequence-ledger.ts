/**
 * One client's record of a run: which sequence numbers it got, how often, in
 * what order, and when. An event counts as out of order when it first arrives
 * after one with a higher sequence number; a second copy counts as a
 * duplicate only, never as out of order too.
 */
export class SequenceLedger {
  /** Receive time of every delivery, in arrival order (copies included). */
  readonly times: number[] = [];
  private readonly counts = new Map<number, number>();
  private highest = -Infinity;
  private outOfOrderCount = 0;
  private duplicatedCount = 0;

  record(seq: number, at: number): void {
    const copies = this.counts.get(seq) ?? 0;
    this.counts.set(seq, copies + 1);
    this.times.push(at);
    if (copies === 1) this.duplicatedCount += 1;
    if (copies === 0 && seq < this.highest) this.outOfOrderCount += 1;
    this.highest = Math.max(this.highest, seq);
  }

  has(seq: number): boolean {
    return this.counts.has(seq);
  }

  /** Events that arrived after one with a higher sequence number. */
  get outOfOrder(): number {
    return this.outOfOrderCount;
  }

  /** Events this client got more than once (each counted once, however many copies). */
  get duplicated(): number {
    return this.duplicatedCount;
  }

  /** How many of `seqs` this client got at least once. */
  countOf(seqs: readonly number[]): number {
    return seqs.reduce((n, seq) => (this.counts.has(seq) ? n + 1 : n), 0);
  }

  /** The ones of `seqs` this client never got. */
  missing(seqs: readonly number[]): number[] {
    return seqs.filter((seq) => !this.counts.has(seq));
  }
}
