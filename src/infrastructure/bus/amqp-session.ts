import type { EventEmitter } from 'node:events';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import type { AmqpMessage } from './amqp-envelope';
import { withHeartbeat } from './amqp-endpoint';
import { ConfirmPublisher, type PublishFailure } from './amqp-publisher';
import { declareStreamTopology, type StreamTopologySettings } from './amqp-stream-topology';
import { declareTopology, type Topology, type TopologySettings } from './amqp-topology';
import { describeError } from './error-message';
import { withTimeout } from './with-timeout';

export interface SessionSettings extends TopologySettings {
  readonly url: string;
  readonly logger: Logger;
  readonly heartbeatSeconds: number;
  /** Bounds the TCP connect plus handshake, and separately the topology declaration. */
  readonly connectTimeoutMs: number;
  readonly publishTimeoutMs: number;
  /** Bounds a clean close; past it the socket is destroyed. */
  readonly closeTimeoutMs: number;
  /** AMQP_QUEUE=stream: consume the shared stream; absent: an exclusive queue (`consume`). */
  readonly stream?: StreamTopologySettings | undefined;
}

const ignore = (): void => undefined;

/**
 * One connection with its topology declared: lives until the connection or
 * one of its channels goes, then reports the loss once and is done (the bus
 * opens a new one). It never reconnects by itself.
 */
export class AmqpSession {
  private lostReason: string | undefined;
  private opened = false;
  private closing: Promise<void> | undefined;
  private topology: Topology | undefined;
  private publisher: ConfirmPublisher | undefined;

  private constructor(
    private readonly model: ChannelModel,
    private readonly settings: SessionSettings,
    private readonly onLost: (session: AmqpSession, reason: string) => void,
  ) {
    this.watch(model, 'connection');
    // A resource alarm on the broker: publishes stall (and time out) until it clears.
    model.on('blocked', (reason: string) => settings.logger.warn({ reason }, 'RabbitMQ blocked this connection'));
    model.on('unblocked', () => settings.logger.info('RabbitMQ unblocked this connection'));
  }

  /** Connects and declares; rejects (having cleaned up) if either fails or takes too long. */
  static async open(
    settings: SessionSettings,
    onLost: (session: AmqpSession, reason: string) => void,
  ): Promise<AmqpSession> {
    const url = withHeartbeat(settings.url, settings.heartbeatSeconds);
    // TCP_NODELAY: amqplib leaves Nagle on, and a publish then waits for the broker's delayed ACK (40 ms on
    // Linux) before its last frames leave: every broadcast answered 40 ms late, and delivered as late.
    const model = await connect(url, { timeout: settings.connectTimeoutMs, noDelay: true });
    const session = new AmqpSession(model, settings, onLost);
    try {
      await withTimeout(session.declare(), settings.connectTimeoutMs, 'declaring the topology timed out');
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** Resolves `undefined` once confirmed, or with the reason it is not. */
  publish(message: AmqpMessage): Promise<PublishFailure> {
    if (this.lostReason !== undefined) return Promise.resolve(this.lostReason);
    if (this.publisher === undefined || this.closing !== undefined) return Promise.resolve('connection closing');
    return this.publisher.send(message);
  }

  /**
   * A channel of its own on this connection, for a reader that is not the
   * session's (a replay): its errors close it alone, and the session does not
   * watch it. Rejects when the session is lost or closing.
   */
  openChannel(): Promise<Channel> {
    if (this.lostReason !== undefined) return Promise.reject(new Error(this.lostReason));
    if (this.closing !== undefined) return Promise.reject(new Error('connection closing'));
    return this.model.createChannel();
  }

  /** Cancels the consumer, waits briefly for outstanding confirms, closes; idempotent and bounded in time. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async declare(): Promise<void> {
    const onCancelled = (): void => this.lose('the broker cancelled the consumer');
    const watch = (channel: Channel, role: string): void => this.watch(channel, role);
    const { stream } = this.settings;
    this.topology =
      stream === undefined
        ? await declareTopology(this.model, this.settings, watch, onCancelled)
        : await declareStreamTopology(this.model, this.settings.exchange, stream, watch, (why) => this.lose(why));
    this.publisher = new ConfirmPublisher(
      this.topology.publishChannel,
      this.settings.exchange,
      this.settings.publishTimeoutMs,
    );
    if (this.lostReason !== undefined) throw new Error(this.lostReason);
    this.opened = true;
  }

  private async shutdown(): Promise<void> {
    try {
      await withTimeout(this.closeGracefully(), this.settings.closeTimeoutMs, 'close timed out');
    } catch (error) {
      this.settings.logger.warn({ err: error }, 'AMQP connection did not close cleanly; dropping its socket');
      destroySocket(this.model);
    }
  }

  private async closeGracefully(): Promise<void> {
    const { consumer, publishChannel } = this.topology ?? {};
    if (this.lostReason === undefined) {
      if (consumer !== undefined) await consumer.channel.cancel(consumer.tag).catch(ignore);
      if (publishChannel !== undefined) await publishChannel.waitForConfirms().catch(ignore);
    }
    await this.model.close().catch(ignore);
  }

  private watch(emitter: EventEmitter, role: string): void {
    emitter.on('error', (error: unknown) => this.lose(`${role} error: ${describeError(error)}`));
    emitter.on('close', (error?: unknown) =>
      this.lose(error === undefined ? `${role} closed` : `${role} closed: ${describeError(error)}`),
    );
    emitter.on('handler-error', (error: unknown, event: string) =>
      this.settings.logger.error({ err: error, event }, 'an AMQP event listener failed'),
    );
  }

  private lose(reason: string): void {
    if (this.closing !== undefined || this.lostReason !== undefined) return;
    this.lostReason = reason;
    if (this.opened) this.onLost(this, reason);
  }
}

/** Last resort for a broker that stopped answering: amqplib has no public way to drop the socket. */
function destroySocket(model: ChannelModel): void {
  const connection = model.connection as { stream?: { destroy?: () => void } };
  connection.stream?.destroy?.();
}
