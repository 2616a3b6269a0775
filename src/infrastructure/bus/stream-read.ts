import type { Channel, ConsumeMessage } from 'amqplib';
import type { StreamEvent } from '../../domain/stream-event';
import { decodeEnvelope } from './amqp-envelope';
import { describeError } from './error-message';
import type { ReplayLimits, ReplayScan, Step } from './replay-scan';
import { isProbe, streamOffsetOf } from './stream-message';

export type ReadResult =
  | { readonly kind: 'events'; readonly events: readonly StreamEvent[] }
  | { readonly kind: 'end' }
  | { readonly kind: 'not-found' }
  /** The id is further on than this replica: the reader has everything up to it already. */
  | { readonly kind: 'ahead' }
  | { readonly kind: 'failed'; readonly reason: string };

/** One replay from the stream, read at the reader's pace. */
export interface StreamRead {
  /**
   * The next events in stream order (at least one), or how the read ended:
   * `end` once every event up to the live position at `open` was handed on,
   * `not-found` (the id is not in the stream, or the replay would be too
   * long), `ahead` (the id comes after the live position: the reader is further on than this replica),
   * `failed` (the connection or channel went). Never rejects. Only
   * what is asked for is acknowledged, so the broker holds the rest.
   */
  next(): Promise<ReadResult>;
  /** Stops the read and releases its channel; idempotent. Reading to a final result releases it too. */
  close(): void;
  /** Events received from the broker and not yet handed to the reader (at most about the prefetch). */
  readonly buffered: number;
}

export interface ReadParts {
  readonly stream: string;
  readonly limits: Pick<ReplayLimits, 'prefetch' | 'scanTimeoutMs'>;
  readonly maxMessageBytes: number;
  readonly openChannel: () => Promise<Channel>;
  /** Told once how the read ended: served, not-found, failed or closed (with the reason, for a log line). */
  readonly done: (outcome: 'served' | 'not-found' | 'ahead' | 'failed' | 'closed', reason?: string) => void;
}

/** How long a scan past the live position waits for more of the stream before the id counts as not there. */
const BEYOND_UNTIL_MS = 1_000;

const NOWHERE: Step = { kind: 'not-found', reason: 'the id is no ULID, and the live consumer never saw it' };

interface Pending {
  readonly event: StreamEvent;
  readonly message: ConsumeMessage;
}

/** A StreamRead on a channel and consumer of its own, driven by a ReplayScan. */
export class ChannelStreamRead implements StreamRead {
  private channel: Channel | undefined;
  private readonly pending: Pending[] = [];
  /** Everything up to `until` is in `pending`: the consumer is no longer needed. */
  private complete = false;
  private final: ReadResult | undefined;
  private waiters: (() => void)[] = [];
  private scanTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly parts: ReadParts,
    private readonly scan: ReplayScan,
    /** `x-stream-offset`: the id's known offset, or a timestamp before it; undefined: nowhere (not-found). */
    private readonly attachAt: unknown,
  ) {}

  get buffered(): number {
    return this.pending.length;
  }

  /** Attaches the consumer; never rejects (a failure becomes the read's result). */
  async start(): Promise<void> {
    const refused = this.scan.precheck() ?? (this.attachAt === undefined ? NOWHERE : undefined);
    if (refused !== undefined) return this.apply(refused, undefined);
    try {
      const channel = await this.parts.openChannel();
      if (this.final !== undefined) return void channel.close().catch(() => undefined);
      this.channel = channel;
      channel.on('error', () => undefined); // the close that follows says it
      channel.on('close', () => this.fail('the replay channel closed'));
      await channel.prefetch(this.parts.limits.prefetch, false);
      this.armScanTimer();
      await channel.consume(this.parts.stream, (message) => this.onMessage(message), {
        noAck: false,
        arguments: { 'x-stream-offset': this.attachAt },
      });
    } catch (error) {
      this.fail(describeError(error));
    }
  }

  async next(): Promise<ReadResult> {
    for (;;) {
      if (this.pending.length > 0) return this.take();
      if (this.final !== undefined) return this.final;
      if (this.complete) return this.finish({ kind: 'end' }, 'served');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.pending.length = 0;
    this.finish({ kind: 'failed', reason: 'closed' }, 'closed');
  }

  private onMessage(message: ConsumeMessage | null): void {
    if (message === null) return this.fail('the broker cancelled the replay consumer');
    if (this.complete || this.final !== undefined) return; // read ahead past the end: goes with the channel
    const offset = streamOffsetOf(message);
    if (offset === undefined) return this.fail('the queue is not a stream');
    const decoded = isProbe(message)
      ? undefined
      : decodeEnvelope(message.content, message.properties, this.parts.maxMessageBytes);
    const event = decoded?.ok === true ? decoded.event : undefined;
    this.apply(this.scan.step(offset, message.content.length, event?.id), message, event);
  }

  private apply(step: Step, message: ConsumeMessage | undefined, event?: StreamEvent): void {
    if (step.kind === 'not-found') return void this.finish({ kind: 'not-found' }, 'not-found', step.reason);
    if (step.kind === 'ahead') return void this.finish({ kind: 'ahead' }, 'ahead');
    if (step.kind === 'yield' && message !== undefined && event !== undefined) {
      this.pending.push({ event, message });
      if (step.last) this.completed();
    } else {
      if (message !== undefined) this.acknowledge(message, false);
      if (step.kind === 'end') this.completed();
      else if (this.scan.found) this.clearScanTimer();
      else this.armScanTimer(); // still scanning: the stream sent something
    }
    this.wake();
  }

  /** Hands over what is pending and acknowledges it: the broker may send as much again. */
  private take(): ReadResult {
    const batch = this.pending.splice(0);
    const last = batch[batch.length - 1];
    if (last !== undefined) this.acknowledge(last.message, true);
    return { kind: 'events', events: batch.map((p) => p.event) };
  }

  private completed(): void {
    this.complete = true;
    this.clearScanTimer();
    this.release();
  }

  private fail(reason: string): void {
    if (this.complete) return; // what is pending is whole; the channel is not needed any more
    this.finish({ kind: 'failed', reason }, 'failed', reason);
  }

  private finish(result: ReadResult, outcome: Parameters<ReadParts['done']>[0], reason?: string): ReadResult {
    if (this.final !== undefined) return this.final;
    this.final = result;
    this.clearScanTimer();
    this.release();
    this.parts.done(outcome, reason);
    this.wake();
    return result;
  }

  private release(): void {
    const channel = this.channel;
    this.channel = undefined;
    if (channel !== undefined) channel.close().catch(() => undefined);
  }

  private acknowledge(message: ConsumeMessage, allUpTo: boolean): void {
    try {
      this.channel?.ack(message, allUpTo);
    } catch {
      // The channel closed: its close event ends the read (or it was no longer needed).
    }
  }

  private armScanTimer(): void {
    this.clearScanTimer();
    if (this.scan.beyond) {
      // Past the live position the id comes at once or not at all: at the tail, nothing more arrives.
      const notThere = { kind: 'not-found', reason: 'the id is not in the stream' } as const;
      this.scanTimer = setTimeout(() => this.apply(notThere, undefined), BEYOND_UNTIL_MS);
      return;
    }
    const { scanTimeoutMs } = this.parts.limits;
    this.scanTimer = setTimeout(() => this.fail(`the stream sent nothing for ${scanTimeoutMs} ms`), scanTimeoutMs);
  }

  private clearScanTimer(): void {
    clearTimeout(this.scanTimer);
    this.scanTimer = undefined;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
