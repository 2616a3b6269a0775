import type { Channel } from 'amqplib';
import type { Logger } from 'pino';
import { decodeTime } from 'ulid';
import type { Metrics } from '../metrics/metrics';
import type { OffsetIndex } from './offset-index';
import { ReplayScan, type ReplayLimits } from './replay-scan';
import type { StreamCursor } from './stream-cursor';
import { streamTimestamp } from './stream-message';
import { ChannelStreamRead, type StreamRead } from './stream-read';

export interface ReplayParts {
  readonly stream: string;
  readonly limits: ReplayLimits & { readonly maxReads: number };
  readonly maxMessageBytes: number;
  /** The live consumer's place: `until` is read from it. */
  readonly cursor: StreamCursor;
  readonly index: OffsetIndex;
  /** A channel on the live connection; rejects while there is none. */
  readonly openChannel: () => Promise<Channel>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Replays from the stream for a Last-Event-ID older than the in-memory
 * history. Each read has a consumer of its own and stops at the offset the
 * live consumer had reached when it opened, so the reader can switch to live
 * events after it with no gap and no duplicate. At most `maxReads` at once.
 */
export class StreamReplay {
  private reads = 0;

  constructor(private readonly parts: ReplayParts) {}

  /** Reads open now. */
  get reading(): number {
    return this.reads;
  }

  /**
   * Starts a read of the events after `afterId`, up to the last one the live
   * consumer has handed on at this moment (captured synchronously), or
   * 'busy' when `maxReads` reads are open. The read attaches where the live
   * consumer saw the id, if it remembers, else by timestamp: the id's time
   * (a ULID starts with its publish time in ms, on the publisher's clock)
   * less the clock margin.
   */
  open(afterId: string): StreamRead | 'busy' {
    const { limits, metrics, cursor, index } = this.parts;
    if (this.reads >= limits.maxReads) {
      metrics.streamReplays.inc({ outcome: 'busy' });
      return 'busy';
    }
    this.reads += 1;
    const until = cursor.lastOffset ?? -1;
    const known = index.offsetOf(afterId);
    const read = new ChannelStreamRead(
      {
        stream: this.parts.stream,
        limits,
        maxMessageBytes: this.parts.maxMessageBytes,
        openChannel: this.parts.openChannel,
        done: (outcome, reason) => this.done(afterId, outcome, reason),
      },
      new ReplayScan(afterId, until, limits, known),
      known ?? attachByTime(afterId, limits.clockMarginMs),
    );
    void read.start();
    return read;
  }

  private done(
    afterId: string,
    outcome: 'served' | 'not-found' | 'ahead' | 'failed' | 'closed',
    reason?: string,
  ): void {
    this.reads -= 1;
    this.parts.metrics.streamReplays.inc({ outcome });
    if (outcome === 'failed') this.parts.logger.warn({ afterId, reason }, 'a replay from the stream failed');
    else if (outcome === 'not-found') this.parts.logger.debug({ afterId, reason }, 'replay: id not in the stream');
  }
}

/** The `x-stream-offset` timestamp a margin before the id's time; undefined when the id is no ULID. */
function attachByTime(id: string, marginMs: number): unknown {
  try {
    return streamTimestamp(decodeTime(id) - marginMs);
  } catch {
    return undefined;
  }
}
