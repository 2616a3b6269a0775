import type { EventLogRead, LogBatch } from './event-log';
import type { ReplaySource, ReplayStep } from './replay-source';
import type { StreamEvent } from './stream-event';
import type { Frame } from './subscription';

const WAIT: ReplayStep = { kind: 'wait' };

/**
 * A replay read from the bus's log, a batch at a time as the client takes them (the read is paced by its
 * consumer). Each event becomes a frame through `frameOf`, which skips what the client may not see. When
 * the log does not hold the id, `fallback` takes over (a reset, then the history).
 */
export class LogReplay implements ReplaySource {
  private buffered: Frame[] = [];
  private state: 'reading' | 'end' | 'failed' | 'ahead' = 'reading';
  private fallback: ReplaySource | undefined;
  private fetching = false;
  private ready: (() => void) | undefined;

  constructor(
    /** The Last-Event-ID the read starts after. */
    private readonly afterId: string,
    private readonly read: EventLogRead,
    private readonly frameOf: (event: StreamEvent) => Frame | undefined,
    private readonly onNotFound: () => ReplaySource,
  ) {}

  next(budget: number): ReplayStep {
    if (this.fallback !== undefined) return this.fallback.next(budget);
    if (this.buffered.length > 0) return this.take(budget);
    if (this.state === 'end') return { kind: 'done' };
    if (this.state === 'ahead') {
      this.state = 'end';
      return { kind: 'ahead', id: this.afterId };
    }
    if (this.state === 'failed') return { kind: 'failed' };
    this.fetch();
    return WAIT;
  }

  whenReady(ready: () => void): void {
    if (this.fallback !== undefined) this.fallback.whenReady(ready);
    else this.ready = ready;
  }

  close(): void {
    this.read.close();
    this.fallback?.close();
    this.buffered = [];
    this.state = 'end';
  }

  private take(budget: number): ReplayStep {
    let bytes = 0;
    let count = 0;
    while (count < this.buffered.length && (count === 0 || bytes < budget)) {
      bytes += (this.buffered[count] as Frame).length;
      count += 1;
    }
    const frames = this.buffered.splice(0, count);
    return { kind: 'frames', frames, events: frames.length };
  }

  private fetch(): void {
    if (this.fetching) return;
    this.fetching = true;
    void this.read.next().then(
      (batch) => this.received(batch),
      () => this.received({ kind: 'failed' }),
    );
  }

  private received(batch: LogBatch): void {
    this.fetching = false;
    if (batch.kind === 'events') {
      for (const event of batch.events) {
        const frame = this.frameOf(event);
        if (frame !== undefined) this.buffered.push(frame);
      }
    } else if (batch.kind === 'not-found') {
      this.read.close();
      this.fallback = this.onNotFound();
    } else this.state = batch.kind;
    const ready = this.ready;
    this.ready = undefined;
    ready?.();
  }
}
