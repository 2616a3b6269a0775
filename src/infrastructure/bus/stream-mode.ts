import type { Channel } from 'amqplib';
import type { Logger } from 'pino';
import { READY, type Readiness } from '../../application/ports/readiness';
import type { Metrics } from '../metrics/metrics';
import type { StreamConsumerState } from './amqp-stream-consumer';
import type { StreamTopologySettings } from './amqp-stream-topology';
import type { BusListeners } from './bus-listeners';
import { OffsetIndex } from './offset-index';
import { StreamCursor } from './stream-cursor';
import { StreamDeclaration } from './stream-declaration';
import type { ResolvedStreamOptions } from './stream-options';
import { StreamReplay } from './stream-replay';

export interface StreamModeParts {
  readonly listeners: BusListeners;
  /** Whether this process consumes at all (a fetcher only publishes); known once it starts. */
  readonly consuming: () => boolean;
  readonly prefetch: number;
  readonly maxMessageBytes: number;
  /** A channel on the live connection, for replays; rejects while there is none. */
  readonly openChannel: () => Promise<Channel>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * What AMQP_QUEUE=stream keeps for the life of the bus, across connections:
 * the consumer's place in the stream, the offsets of recent ids, the
 * declaration (and its one warning), and the replays.
 */
export class StreamMode {
  readonly replay: StreamReplay;
  private readonly cursor = new StreamCursor();
  private readonly index: OffsetIndex;
  private readonly declaration: StreamDeclaration;
  private readonly startedAt = Date.now();

  constructor(
    private readonly options: ResolvedStreamOptions,
    private readonly parts: StreamModeParts,
  ) {
    this.index = new OffsetIndex(options.offsetIndexSize);
    this.declaration = new StreamDeclaration(options, parts.logger);
    this.replay = new StreamReplay({
      stream: options.name,
      limits: options.replay,
      maxMessageBytes: parts.maxMessageBytes,
      cursor: this.cursor,
      index: this.index,
      openChannel: parts.openChannel,
      logger: parts.logger,
      metrics: parts.metrics,
    });
    parts.metrics.readStreamWith(() => ({ offset: this.cursor.lastOffset, behind: this.cursor.behind }));
  }

  /** The session settings for stream mode (the same object serves every connection). */
  topology(): StreamTopologySettings {
    const { prefetch, consuming } = this.parts;
    return {
      options: this.options,
      declaration: this.declaration,
      prefetch: this.options.prefetch ?? prefetch,
      consumer: consuming() ? this.consumerState() : undefined,
    };
  }

  /** Ready once the warm-up has caught up (a connected session is the bus's own condition). */
  readiness(): Readiness {
    if (!this.parts.consuming() || this.cursor.caughtUp) return READY;
    const behind = this.cursor.behind;
    const progress = behind === undefined ? 'finding the tail' : `${behind} to go`;
    return { ready: false, reason: `loading history from the stream ${this.options.name} (${progress})` };
  }

  private consumerState(): StreamConsumerState {
    const { listeners, maxMessageBytes, logger, metrics } = this.parts;
    return {
      cursor: this.cursor,
      index: this.index,
      listeners,
      maxMessageBytes,
      logger,
      metrics,
      onCaughtUp: () =>
        logger.info(
          { stream: this.options.name, offset: this.cursor.lastOffset, ms: Date.now() - this.startedAt },
          'history loaded from the stream',
        ),
      onReplaced: () => {
        logger.warn({ stream: this.options.name }, 'the stream was deleted and declared anew: starting over');
        this.cursor.reset();
        this.index.clear();
        metrics.streamGaps.inc();
        listeners.gap();
      },
    };
  }
}
