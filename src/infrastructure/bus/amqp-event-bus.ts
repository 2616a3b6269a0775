import type { Logger } from 'pino';
import type { BusListener } from '../../application/ports/bus-listener.port';
import type { PublishFailure } from '../../application/ports/event-publisher.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import { fail, ok, type Result } from '../../domain/result';
import type { StreamEvent } from '../../domain/stream-event';
import type { Metrics } from '../metrics/metrics';
import { encodeEnvelope } from './amqp-envelope';
import { AmqpNodes, splitAmqpUrls } from './amqp-nodes';
import { AmqpReconnector } from './amqp-reconnector';
import type { BackoffPolicy } from './backoff';
import { BusListeners } from './bus-listeners';
import { describeError } from './error-message';
import type { EventBus } from './event-bus';
import { resolveStreamOptions, type StreamOptions } from './stream-options';
import { StreamMode } from './stream-mode';
import type { StreamReplay } from './stream-replay';

export interface AmqpBusOptions {
  /**
   * One URL, or the URLs of the nodes of one cluster (a list, or a comma
   * list as in AMQP_URL): the bus starts at one of them at random and fails
   * over to the next in turn. Holds passwords: handed to amqplib only, never logged.
   */
  readonly url: string | readonly string[];
  /** Picks the node to start at (tests fix it). Default Math.random. */
  readonly random?: () => number;
  readonly exchange: string;
  /** Larger messages from the bus are dropped and counted. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Unacked deliveries the broker may have in flight to this process. Default 256. */
  readonly prefetch?: number;
  /** Longest wait for a publisher confirm (drain wait included). Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** Bounds TCP connect plus handshake, and separately the topology declaration. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Bounds close(). Default 2 s (shutdown as a whole has 10). */
  readonly closeTimeoutMs?: number;
  /** Unless the URL names one. Default 10 s. */
  readonly heartbeatSeconds?: number;
  /** Reconnect delays. Default 250 ms doubling up to 10 s, jittered. */
  readonly backoff?: BackoffPolicy;
  /**
   * AMQP_QUEUE=stream: every replica consumes the one durable stream bound to
   * the exchange (resumes where it left off, loads its history at start,
   * replays). Absent: AMQP_QUEUE=exclusive, a queue of its own per replica.
   */
  readonly stream?: StreamOptions;
}

const DEFAULTS = {
  maxMessageBytes: 1_048_576,
  prefetch: 256,
  publishTimeoutMs: 5_000,
  connectTimeoutMs: 5_000,
  closeTimeoutMs: 2_000,
  heartbeatSeconds: 10,
  backoff: { initialMs: 250, maxMs: 10_000 },
  random: Math.random,
};

/**
 * The RabbitMQ bus: every replica publishes to one durable fanout exchange
 * (on a confirm channel) and consumes through its own exclusive queue, or
 * (stream mode) from the durable stream bound to the exchange.
 * Connection recovery is AmqpReconnector's, not amqplib's: amqplib's opt-in
 * recovery restores the connection only, so channels, queue and consumer
 * would be ours to rebuild anyway, and a channel lost on a live connection
 * would go unnoticed by it. One loop that replaces the whole session on any
 * loss is simpler to reason about.
 */
export class AmqpEventBus implements EventBus {
  private readonly listeners: BusListeners;
  private readonly options: Required<Omit<AmqpBusOptions, 'stream'>>;
  private reconnector: AmqpReconnector | undefined;
  private closing: Promise<void> | undefined;
  private readonly stream: StreamMode | undefined;

  constructor(
    options: AmqpBusOptions,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.listeners = new BusListeners(logger);
    // On a cluster, one replica of the stream per node listed: any one node may die without loss.
    const initialClusterSize = options.stream?.initialClusterSize ?? splitAmqpUrls(options.url).length;
    this.stream = options.stream === undefined ? undefined : this.streamMode({ ...options.stream, initialClusterSize });
  }

  /** Replays from the stream: stream mode only (undefined in exclusive mode). Usable once started. */
  get replay(): StreamReplay | undefined {
    return this.stream?.replay;
  }

  async publish(event: StreamEvent): Promise<Result<void, PublishFailure>> {
    const session = this.reconnector?.session;
    // The reason stays out of the answer: it names the broker's host, which is /readyz's business only.
    if (session === undefined) return this.unavailable('RabbitMQ is not connected');
    const message = encodeEnvelope(event);
    if (message.content.length > this.options.maxMessageBytes) {
      // Every replica would drop it as over the limit: refused here, so nothing is acknowledged and lost.
      const limit = this.options.maxMessageBytes;
      return fail({ code: 'too-large', message: `the message is over the bus's limit of ${limit} bytes` });
    }
    try {
      const failure = await session.publish(message);
      return failure === undefined ? ok(undefined) : this.unavailable(failure);
    } catch (error) {
      this.logger.error({ err: error, eventId: event.id }, 'publishing to RabbitMQ failed unexpectedly');
      return this.unavailable(describeError(error));
    }
  }

  listen(listener: BusListener): void {
    if (this.reconnector !== undefined) throw new Error('AmqpEventBus.listen must be called before start');
    this.listeners.add(listener);
  }

  readiness(): Readiness {
    if (this.reconnector?.session === undefined) return { ready: false, reason: this.readinessReason() };
    return this.stream?.readiness() ?? READY;
  }

  async start(): Promise<void> {
    if (this.reconnector !== undefined || this.closing !== undefined) return;
    const { backoff, url, random, ...settings } = this.options;
    const nodes = new AmqpNodes(url, random);
    const { listeners, logger, metrics } = this;
    const consume =
      listeners.size === 0
        ? undefined
        : { maxMessageBytes: settings.maxMessageBytes, listeners: [listeners], logger, metrics };
    this.reconnector = new AmqpReconnector({
      settings: { ...settings, logger: this.logger, consume, stream: this.stream?.topology() },
      backoff,
      nodes,
      logger: this.logger,
      metrics: this.metrics,
    });
    await this.reconnector.connect();
    if (this.reconnector.session === undefined) {
      this.logger.warn(
        { nodes: nodes.count, reason: this.reconnector.reason },
        'RabbitMQ is not reachable; retrying in the background',
      );
    }
  }

  private streamMode(options: StreamOptions): StreamMode {
    return new StreamMode(resolveStreamOptions(options), {
      listeners: this.listeners,
      consuming: () => this.listeners.size > 0,
      prefetch: this.options.prefetch,
      maxMessageBytes: this.options.maxMessageBytes,
      openChannel: () =>
        this.reconnector?.session?.openChannel() ?? Promise.reject(new Error('RabbitMQ is not connected')),
      logger: this.logger,
      metrics: this.metrics,
    });
  }

  close(): Promise<void> {
    return (this.closing ??= this.reconnector?.stop() ?? Promise.resolve());
  }

  private readinessReason(): string {
    if (this.closing !== undefined) return 'closed';
    return this.reconnector?.reason ?? 'not started';
  }

  private unavailable(message: string): { readonly ok: false; readonly error: PublishFailure } {
    const retryAfterSeconds = this.reconnector?.retryAfterSeconds() ?? 1;
    return fail({ code: 'bus-unavailable', message, retryAfterSeconds });
  }
}
