import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { deliveryHandler, type DeliveryContext } from './amqp-consumer';

export type ConsumeSettings = Omit<DeliveryContext, 'channel' | 'onCancelled'>;

export interface TopologySettings {
  readonly exchange: string;
  readonly prefetch: number;
  /** Absent for a publish-only process (ROLE=fetcher): it declares no queue. */
  readonly consume: ConsumeSettings | undefined;
}

export interface Topology {
  readonly publishChannel: ConfirmChannel;
  readonly consumer?: { readonly channel: Channel; readonly tag: string } | undefined;
}

/**
 * Declares what this process needs on a fresh connection, every time it
 * connects: the durable fanout exchange, and (if it consumes) a server-named
 * exclusive auto-delete queue bound to it with a consumer on it. `watch` sees
 * each channel before its first operation, so a channel error always has a
 * listener.
 *
 * Publishing and consuming use separate channels so that publisher
 * backpressure and a publish-side channel error stay apart from delivery.
 *
 * Manual acks with a prefetch rather than no-ack: the queue is exclusive, so
 * a message unacked when the connection drops dies with the queue either way
 * (acks buy no redelivery here). What they buy is flow control: the broker
 * keeps at most `prefetch` messages in flight to this process and holds the
 * rest, instead of pushing without limit into a busy event loop.
 */
export async function declareTopology(
  model: ChannelModel,
  settings: TopologySettings,
  watch: (channel: Channel, role: string) => void,
  onCancelled: () => void,
): Promise<Topology> {
  const publishChannel = await model.createConfirmChannel();
  watch(publishChannel, 'publish channel');
  await publishChannel.assertExchange(settings.exchange, 'fanout', { durable: true });
  if (settings.consume === undefined) return { publishChannel };
  const channel = await model.createChannel();
  watch(channel, 'consume channel');
  await channel.prefetch(settings.prefetch);
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await channel.bindQueue(queue, settings.exchange, '');
  const onMessage = deliveryHandler({ ...settings.consume, channel, onCancelled });
  const { consumerTag } = await channel.consume(queue, onMessage, { noAck: false });
  return { publishChannel, consumer: { channel, tag: consumerTag } };
}
