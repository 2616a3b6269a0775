import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { RABBITMQ_URL } from './require-rabbitmq';

/**
 * The test's own view of a fanout exchange, straight on the broker: what the
 * processes publish (through a queue of its own, once `listen` is called), and
 * whether any queue at all is bound (`bindsAnyQueue`).
 */
export class ExchangeTap {
  readonly messages: ConsumeMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly exchange: string,
  ) {}

  static async open(exchange: string): Promise<ExchangeTap> {
    return new ExchangeTap(await amqp.connect(RABBITMQ_URL), exchange);
  }

  /** What was received so far, as events: the message id, the topic header and the parsed data (envelope v2). */
  get bodies(): Record<string, unknown>[] {
    return this.messages.map((m) => ({
      id: m.properties.messageId as unknown,
      topic: m.properties.headers?.['x-sse-topic'] as unknown,
      data: JSON.parse(m.content.toString('utf8')) as unknown,
    }));
  }

  /**
   * Publishes a mandatory probe and waits for its confirm: the broker returns
   * an unroutable mandatory message before confirming it, so after the confirm
   * `true` means some queue took it. Call before `listen` (the tap's own queue
   * would take it).
   */
  async bindsAnyQueue(): Promise<boolean> {
    const channel = await this.connection.createConfirmChannel();
    let returned = false;
    channel.on('return', () => (returned = true));
    channel.publish(this.exchange, '', Buffer.from('probe: not an event'), { mandatory: true });
    await channel.waitForConfirms();
    await channel.close();
    return !returned;
  }

  /**
   * Declares the exchange as the service does (a mismatch would fail here),
   * binds a queue of the tap's own and records every message from now on.
   */
  async listen(): Promise<void> {
    const channel = await this.connection.createChannel();
    await channel.assertExchange(this.exchange, 'fanout', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, this.exchange, '');
    await channel.consume(queue, (message) => message !== null && this.messages.push(message), { noAck: true });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
