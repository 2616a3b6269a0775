import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import pino, { type Logger } from 'pino';
import type { StreamEvent } from '../../src/domain/stream-event';
import type { Topic } from '../../src/domain/topic';
import { AmqpEventBus, type AmqpBusOptions } from '../../src/infrastructure/bus/amqp-event-bus';
import { decodeEnvelope, encodeEnvelope } from '../../src/infrastructure/bus/amqp-envelope';
import { PROBE_TYPE, streamOffsetOf } from '../../src/infrastructure/bus/stream-message';
import type { StreamOptions } from '../../src/infrastructure/bus/stream-options';
import { UlidIdGenerator } from '../../src/infrastructure/ids/ulid-id-generator';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { json } from './events';
import { RABBITMQ_URL } from './require-rabbitmq';

const ids = new UlidIdGenerator();

/** A broadcast event with a fresh ULID (its time is now, as a publisher would stamp it). */
export function ulidEvent(label: string, now = Date.now()): StreamEvent {
  return {
    id: ids.next(now),
    topic: 'broadcast' as Topic,
    data: json({ message: label }),
    publishedAt: now,
    private: false,
  };
}

/** What one subscribed bus heard, in order: event ids, and 'GAP' where it was told of a gap. */
export interface Heard {
  readonly bus: AmqpEventBus;
  readonly metrics: Metrics;
  readonly heard: string[];
  /** Events heard while the bus said it was not ready. */
  readonly heardUnready: string[];
  /** Events recalled (read before the history loaded, to judge repeats; never delivered). */
  readonly recalled: string[];
  readonly events: () => string[];
}

/**
 * One test's stream and exchange (fresh names), a raw connection to look at
 * the stream from outside, and every bus made through it; `dispose` closes
 * them and deletes the stream and exchange.
 */
export class StreamFixture {
  readonly exchange = `test-stream-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly stream = `${this.exchange}.stream`;
  private readonly buses: AmqpEventBus[] = [];

  private constructor(
    readonly raw: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<StreamFixture> {
    const raw = await amqp.connect(RABBITMQ_URL);
    const channel = await raw.createConfirmChannel();
    return new StreamFixture(raw, channel);
  }

  /** A stream-mode bus on this fixture's exchange and stream; subscribed unless `subscribed` is false. */
  bus(
    stream: Partial<StreamOptions> = {},
    options: Partial<AmqpBusOptions> = {},
    subscribed = true,
    logger: Logger = pino({ level: 'silent' }),
  ): Heard {
    const metrics = new Metrics();
    const streamOptions = { name: this.stream, maxAgeSeconds: 3_600, maxBytes: 50_000_000, historySize: 0, ...stream };
    const bus = new AmqpEventBus(
      { url: RABBITMQ_URL, exchange: this.exchange, stream: streamOptions, ...options },
      logger,
      metrics,
    );
    const heard: string[] = [];
    const heardUnready: string[] = [];
    const recalled: string[] = [];
    if (subscribed) {
      bus.listen({
        event: (event) => {
          heard.push(event.id);
          if (!bus.readiness().ready) heardUnready.push(event.id);
        },
        gap: () => heard.push('GAP'),
        recall: (event) => recalled.push(event.id),
      });
    }
    this.buses.push(bus);
    return { bus, metrics, heard, heardUnready, recalled, events: () => heard.filter((h) => h !== 'GAP') };
  }

  /** Publishes straight to the exchange, as another replica would, and waits for the confirm. */
  async publish(events: readonly StreamEvent[]): Promise<void> {
    for (const event of events) {
      const { content, options } = encodeEnvelope(event);
      this.channel.publish(this.exchange, '', content, options);
    }
    await (this.channel as amqp.ConfirmChannel).waitForConfirms();
  }

  /** Every event id in the stream now, in stream order. */
  async streamIds(): Promise<string[]> {
    return (await this.streamEntries()).map((entry) => entry.id);
  }

  /** Every event in the stream now with its offset, in stream order (read up to a marker appended after them). */
  async streamEntries(): Promise<{ id: string; offset: number }[]> {
    const channel = await this.raw.createChannel();
    const marker = `marker-${randomUUID()}`;
    const seen: { id: string; offset: number }[] = [];
    try {
      await channel.prefetch(1_000);
      const done = new Promise<void>((resolve) => {
        const onMessage = (message: ConsumeMessage | null): void => {
          if (message === null) return;
          channel.ack(message);
          if (message.properties.messageId === marker) return resolve();
          const decoded = decodeEnvelope(message.content, message.properties, 1_048_576);
          const offset = streamOffsetOf(message);
          if (decoded.ok && offset !== undefined) seen.push({ id: decoded.event.id, offset });
        };
        void channel.consume(this.stream, onMessage, { noAck: false, arguments: { 'x-stream-offset': 'first' } });
      });
      // Typed as a probe: every reader of the stream skips it.
      this.channel.sendToQueue(this.stream, Buffer.from('{}'), { messageId: marker, type: PROBE_TYPE });
      await done;
      return seen;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.buses.splice(0).map((bus) => bus.close()));
    await this.channel.deleteQueue(this.stream).catch(() => undefined);
    await this.channel.deleteExchange(this.exchange).catch(() => undefined);
    await this.raw.close().catch(() => undefined);
  }
}
