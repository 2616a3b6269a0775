import type { Frame } from './subscription';

interface Item {
  readonly frame: Frame;
  /** Set for an event whose topic may be conflated: a newer one of the same topic replaces it. */
  readonly conflateAs: string | undefined;
  /** The event's id; undefined for a control message (not counted as a delivered event). */
  readonly id: string | undefined;
}

/**
 * The frames waiting for one client that is behind, in the order they are to be written. An item pushed
 * with a `conflateAs` topic replaces the one of that topic still waiting: the old one is dropped and the new
 * one goes to the end, so the delivery order stays the publish order and a price feed never piles up.
 */
export class PendingQueue {
  private items: (Item | undefined)[] = [];
  private head = 0;
  private waiting = 0;
  private total = 0;
  /** Where the waiting item of each conflated topic is. */
  private readonly conflated = new Map<string, number>();

  /** Bytes waiting. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.waiting;
  }

  push(frame: Frame, conflateAs?: string, id?: string): void {
    if (conflateAs !== undefined) {
      const at = this.conflated.get(conflateAs);
      const old = at === undefined ? undefined : this.items[at];
      if (at !== undefined && old !== undefined) {
        this.items[at] = undefined;
        this.waiting -= 1;
        this.total -= old.frame.length;
      }
      this.conflated.set(conflateAs, this.items.length);
    }
    this.items.push({ frame, conflateAs, id });
    this.waiting += 1;
    this.total += frame.length;
  }

  /** The next frames in order, at least one when any waits, stopping once `budget` bytes are reached. */
  take(budget: number): { frames: Frame[]; events: number } {
    const out: Frame[] = [];
    let bytes = 0;
    let events = 0;
    while (this.head < this.items.length && (out.length === 0 || bytes < budget)) {
      const item = this.items[this.head];
      this.head += 1;
      if (item === undefined) continue;
      if (item.conflateAs !== undefined) this.conflated.delete(item.conflateAs);
      out.push(item.frame);
      if (item.id !== undefined) events += 1;
      bytes += item.frame.length;
      this.waiting -= 1;
      this.total -= item.frame.length;
    }
    this.compact();
    return { frames: out, events };
  }

  /**
   * The client already has every event up to and including `id`: drops the waiting events up to it, or all
   * of them when `id` has not arrived yet (every event here then came before it). Control messages stay.
   * True when `id` itself was here.
   */
  dropThrough(id: string): boolean {
    let through = this.items.length - 1;
    while (through >= this.head && this.items[through]?.id !== id) through -= 1;
    const found = through >= this.head;
    const end = found ? through : this.items.length - 1;
    for (let i = this.head; i <= end; i += 1) {
      const item = this.items[i];
      if (item?.id === undefined) continue;
      if (item.conflateAs !== undefined) this.conflated.delete(item.conflateAs);
      this.items[i] = undefined;
      this.waiting -= 1;
      this.total -= item.frame.length;
    }
    return found;
  }

  /** Drops the slots already taken once they are most of the array (indices in `conflated` shift with it). */
  private compact(): void {
    if (this.head < 64 || this.head * 2 < this.items.length) return;
    const shift = this.head;
    this.items = this.items.slice(shift);
    this.head = 0;
    for (const [topic, at] of this.conflated) this.conflated.set(topic, at - shift);
  }
}
