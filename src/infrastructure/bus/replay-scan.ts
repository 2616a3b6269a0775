export interface ReplayLimits {
  /** A replay that would hand on more events than this (known once the id's offset is) is refused. Default 100,000. */
  readonly maxEvents: number;
  /** Message bytes read looking for the id before giving up. Default 64 MiB. */
  readonly maxScanBytes: number;
  /** Unacked deliveries a read may hold: how far it reads ahead of its reader (plus the rest of a chunk). Default 32. */
  readonly prefetch: number;
  /** Attach by timestamp this much before the id's time (publisher clock against broker clock). Default 60 s. */
  readonly clockMarginMs: number;
  /** A scan that receives nothing for this long fails (a guard against a broker clock far behind). Default 30 s. */
  readonly scanTimeoutMs: number;
}

/** What to do with one delivery. */
export type Step =
  /** Not for the reader (before the id, a probe, a resend): ack it now. */
  | { readonly kind: 'skip' }
  /** The id itself: ack it; what follows is for the reader. */
  | { readonly kind: 'found' }
  /** For the reader; `last` when it is the last one to read. */
  | { readonly kind: 'yield'; readonly last: boolean }
  /** Nothing at or after this is for the reader: the read is complete. */
  | { readonly kind: 'end' }
  /** The id is past `until`: the reader already has more than this replica has handed on. */
  | { readonly kind: 'ahead' }
  | { readonly kind: 'not-found'; readonly reason: string };

const SKIP: Step = { kind: 'skip' };
const END: Step = { kind: 'end' };
const AHEAD: Step = { kind: 'ahead' };

/**
 * The decisions of one replay read, without I/O: scan forward to `afterId`,
 * then hand on what follows it, up to and including the offset `until` (the
 * last one the live consumer had handed on when the read opened; the live
 * path has everything after it).
 */
export class ReplayScan {
  private idOffset: number | undefined;
  private scannedBytes = 0;

  /** `knownOffset`: where the live consumer saw `afterId`, when it remembers. */
  constructor(
    private readonly afterId: string,
    private readonly until: number,
    private readonly limits: Pick<ReplayLimits, 'maxEvents' | 'maxScanBytes'>,
    private readonly knownOffset?: number,
  ) {}

  /** The id has been read: what follows is for the reader. */
  get found(): boolean {
    return this.idOffset !== undefined;
  }

  /**
   * The scan has passed `until` without the id: it may still come (a client that comes from a replica that
   * is further on), so the scan goes on for a little while.
   */
  get beyond(): boolean {
    return this.passedUntil;
  }

  private passedUntil = false;

  /** The refusal known before reading anything, if any. */
  precheck(): Step | undefined {
    if (this.until < 0) return notFound('the live consumer has handed nothing on yet');
    if (this.knownOffset === undefined) return undefined;
    if (this.knownOffset > this.until) return AHEAD;
    return this.tooMany(this.knownOffset);
  }

  /** `id`: the event's id, or undefined for a message that is no event (probe, malformed). */
  step(offset: number, bytes: number, id: string | undefined): Step {
    if (this.idOffset === undefined) return this.scan(offset, bytes, id);
    if (offset <= this.idOffset) return SKIP;
    if (offset > this.until) return END;
    if (id === undefined) return offset === this.until ? END : SKIP;
    return { kind: 'yield', last: offset === this.until };
  }

  private scan(offset: number, bytes: number, id: string | undefined): Step {
    if (id !== undefined && id === this.afterId) {
      if (offset > this.until) return AHEAD;
      this.idOffset = offset;
      return this.tooMany(offset) ?? (offset >= this.until ? END : { kind: 'found' });
    }
    if (this.knownOffset !== undefined && offset >= this.knownOffset) {
      return notFound('the id is no longer in the stream (retention)');
    }
    if (offset >= this.until) this.passedUntil = true;
    this.scannedBytes += bytes;
    if (this.scannedBytes > this.limits.maxScanBytes) {
      return notFound(`the id was not within ${this.limits.maxScanBytes} bytes of the stream`);
    }
    return SKIP;
  }

  private tooMany(idOffset: number): Step | undefined {
    const count = this.until - idOffset;
    return count > this.limits.maxEvents
      ? notFound(`${count} events follow the id, more than ${this.limits.maxEvents}`)
      : undefined;
  }
}

const notFound = (reason: string): Step => ({ kind: 'not-found', reason });
