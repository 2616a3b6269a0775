import type { CloseReason, Delivery, EventSink, Frame } from '../../src/domain/subscription';

const text = new TextDecoder();

/**
 * An EventSink with a transport the test controls: each write records its frame and, unless `accepts`
 * says how many bytes the transport takes, is taken whole. Bytes not taken are `queued`; `drain()` lets
 * the transport take them and runs the flush callbacks, as a socket's would. Once closed it answers `closed`.
 */
export class RecordingSink implements EventSink {
  /** `write:<frame text>`, `keepAlive`, `close:<reason>`, in call order. */
  readonly log: string[] = [];
  /** The frame objects handed to `write`, unchanged (for identity checks). */
  readonly rawFrames: Frame[] = [];
  readonly closeReasons: CloseReason[] = [];
  keepAlives = 0;
  /** Bytes the transport still takes before it queues (undefined: everything). */
  accepts: number | undefined;
  /** Where `full` starts. */
  highWaterMark = 16 * 1024;
  private queued = 0;
  private flushWaiters: (() => void)[] = [];

  /** The text of every written frame, in order. */
  get frames(): string[] {
    return this.rawFrames.map((frame) => text.decode(frame));
  }

  /** Every byte written, as text. */
  get written(): string {
    return this.frames.join('');
  }

  get closed(): boolean {
    return this.closeReasons.length > 0;
  }

  write(frame: Frame): Delivery {
    if (this.closed) return 'closed';
    this.rawFrames.push(frame);
    this.log.push(`write:${text.decode(frame)}`);
    if (this.queued > 0)
      this.queued += frame.length; // bytes never overtake queued ones
    else if (this.accepts !== undefined) {
      const taken = Math.min(this.accepts, frame.length);
      this.accepts -= taken;
      this.queued = frame.length - taken;
    }
    if (this.queued === 0) return 'sent';
    return this.queued >= this.highWaterMark ? 'full' : 'queued';
  }

  queuedBytes(): number {
    return this.queued;
  }

  whenFlushed(flushed: () => void): void {
    if (!this.closed) this.flushWaiters.push(flushed);
  }

  /** The transport takes everything queued (and, with `accepts`, that many bytes more later); flush callbacks run. */
  drain(accepts?: number): void {
    this.queued = 0;
    this.accepts = accepts;
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const flushed of waiters) flushed();
  }

  keepAlive(): Delivery {
    if (this.closed) return 'closed';
    this.keepAlives += 1;
    this.log.push('keepAlive');
    return 'sent';
  }

  close(reason: CloseReason): void {
    this.closeReasons.push(reason);
    this.log.push(`close:${reason}`);
    this.flushWaiters = [];
  }
}
