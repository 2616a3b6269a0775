import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { notAStream } from './topology-refused';
import { newProbeId, publishProbe, streamOffsetOf, streamTimestamp } from './stream-message';

export interface TailReading {
  /** The probe's offset: every message confirmed before the reading lies below it. */
  readonly probe: number;
  /** The first offset at or after the time asked for (chunk-granular), when a time was asked for. */
  readonly firstSince: number | undefined;
}

/**
 * Learns where the stream's tail is, deterministically. AMQP 0-9-1 cannot ask
 * a stream for it, the declare-ok message count of a stream is always 0
 * (RabbitMQ 3.10), and `x-stream-offset: last` is the first message of the
 * last chunk, not the last message. So: attach a consumer at `next` (and,
 * if `sinceMs` is given, one at that time), then append a probe. Everything
 * confirmed before lies below the probe's offset, and every consumer
 * attached before it is bound to receive it, so none can hang on an empty or
 * idle stream: the timestamp consumer's first delivery is the first offset
 * of that time, or the probe itself when nothing is that recent.
 */
export function readTail(model: ChannelModel, stream: string, sinceMs?: number): Promise<TailReading> {
  return withChannels(model, async (channel, confirmChannel) => {
    const probeId = newProbeId();
    const ourProbe = (message: ConsumeMessage, at: number): number | undefined =>
      message.properties.messageId === probeId ? at : undefined;
    const tail = await watch(await channel(), stream, 'next', ourProbe);
    const since =
      sinceMs === undefined ? undefined : await watch(await channel(), stream, streamTimestamp(sinceMs), (_, at) => at);
    await publishProbe(await confirmChannel(), stream, probeId);
    const [probe, firstSince] = await Promise.all([tail.found, since?.found]);
    return { probe, firstSince };
  });
}

/**
 * Reads the stream from `offset` (an offset below the tail, or a stream timestamp) and resolves with what
 * `pick` makes of the first delivery it takes. For a time, a probe appended once the consumer is attached
 * makes sure one comes, even for a time later than every message (or than the broker's clock).
 */
export async function readFirst<T>(
  model: ChannelModel,
  stream: string,
  offset: number | ReturnType<typeof streamTimestamp>,
  pick: (message: ConsumeMessage, at: number) => T | undefined,
): Promise<T> {
  return withChannels(model, async (channel, confirmChannel) => {
    const first = await watch(await channel(), stream, offset, pick);
    if (typeof offset !== 'number') await publishProbe(await confirmChannel(), stream, newProbeId());
    return first.found;
  });
}

/**
 * Runs `use` with openers of channels on `model` (their errors surface as rejections of what reads them)
 * and closes every channel it opened, however it ends.
 */
async function withChannels<R>(
  model: ChannelModel,
  use: (channel: () => Promise<Channel>, confirmChannel: () => Promise<ConfirmChannel>) => Promise<R>,
): Promise<R> {
  const channels: Channel[] = [];
  const open = async <C extends Channel>(create: () => Promise<C>): Promise<C> => {
    const channel = await create();
    channels.push(channel);
    channel.on('error', () => undefined);
    return channel;
  };
  try {
    return await use(
      () => open(() => model.createChannel()),
      () => open(() => model.createConfirmChannel()),
    );
  } finally {
    await Promise.all(channels.map((channel) => channel.close().catch(() => undefined)));
  }
}

/**
 * Attaches a consumer at `offset` and resolves, once the broker has it, with
 * what `pick` makes of the first delivery it takes (undefined: not this one).
 * Prefetch 1 is enough: each delivery is acked (credit) at once.
 */
async function watch<T>(
  channel: Channel,
  stream: string,
  offset: unknown,
  pick: (message: ConsumeMessage, at: number) => T | undefined,
): Promise<{ readonly found: Promise<T> }> {
  let settle: { resolve: (found: T) => void; reject: (error: Error) => void } | undefined;
  const found = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  found.catch(() => undefined); // awaited by the caller unless an earlier step failed
  channel.on('close', () => settle?.reject(new Error('the channel closed while reading the stream tail')));
  const onMessage = (message: ConsumeMessage | null): void => {
    if (message === null) return settle?.reject(new Error('the broker cancelled the consumer reading the tail'));
    const at = streamOffsetOf(message);
    try {
      // Not a stream: the message is someone else's, put it back.
      if (at === undefined) channel.nack(message, false, true);
      else channel.ack(message);
    } catch {
      return; // the channel closed under us: its close event rejects
    }
    if (at === undefined) return settle?.reject(notAStream(stream, 'it delivers messages without x-stream-offset'));
    const picked = pick(message, at);
    if (picked !== undefined) settle?.resolve(picked);
  };
  await channel.prefetch(1);
  await channel.consume(stream, onMessage, { noAck: false, arguments: { 'x-stream-offset': offset } });
  return { found };
}
