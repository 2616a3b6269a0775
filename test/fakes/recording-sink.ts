import type { CloseReason, Delivery, EventSink, Frame } from '../../src/domain/subscription';

const text = new TextDecoder();

/**
 * An EventSink that records every call in order (`log`) and answers what the
 * test told it to. Once closed it answers `closed`, as the port says.
 */
export class RecordingSink implements EventSink {
  /** `deliver:<frame text>`, `reset`, `keepAlive`, `close:<reason>`, in call order. */
  readonly log: string[] = [];
  /** The frame objects handed to `deliver`, unchanged (for identity checks). */
  readonly rawFrames: Frame[] = [];
  readonly closeReasons: CloseReason[] = [];
  keepAlives = 0;
  resets = 0;
  /** What `deliver` answers (after recording the frame). */
  deliverAnswer: Delivery = 'sent';
  resetAnswer: Delivery = 'sent';
  keepAliveAnswer: Delivery = 'sent';
  /** When set, `deliver` answers `overflow` from this delivery on (1-based). */
  overflowFrom: number | undefined;

  /** The text of every delivered frame, in order. */
  get frames(): string[] {
    return this.rawFrames.map((frame) => text.decode(frame));
  }

  get closed(): boolean {
    return this.closeReasons.length > 0;
  }

  deliver(frame: Frame): Delivery {
    if (this.closed) return 'closed';
    this.rawFrames.push(frame);
    this.log.push(`deliver:${text.decode(frame)}`);
    if (this.overflowFrom !== undefined && this.rawFrames.length >= this.overflowFrom) return 'overflow';
    return this.deliverAnswer;
  }

  reset(): Delivery {
    if (this.closed) return 'closed';
    this.resets += 1;
    this.log.push('reset');
    return this.resetAnswer;
  }

  keepAlive(): Delivery {
    if (this.closed) return 'closed';
    this.keepAlives += 1;
    this.log.push('keepAlive');
    return this.keepAliveAnswer;
  }

  close(reason: CloseReason): void {
    this.closeReasons.push(reason);
    this.log.push(`close:${reason}`);
  }
}
