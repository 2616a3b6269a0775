import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { streamDeliveryHandler, type StreamConsumerState } from './amqp-stream-consumer';
import type { Topology } from './amqp-topology';
import type { StreamDeclaration } from './stream-declaration';
import type { ResolvedStreamOptions } from './stream-options';
import { statedPublishTime } from './amqp-envelope';
import { streamTimestamp } from './stream-message';
import { readFirst, readTail } from './stream-start';
import { refusalOf } from './topology-refused';

/** Stream mode's part of the session settings: shared by every connection of one bus. */
export interface StreamTopologySettings {
  readonly options: ResolvedStreamOptions;
  readonly declaration: StreamDeclaration;
  /** Unacked deliveries in flight to the live consumer (per consumer: streams refuse a global prefetch). */
  readonly prefetch: number;
  /** Absent for a publish-only process (ROLE=fetcher): it declares the stream but reads nothing. */
  readonly consumer: StreamConsumerState | undefined;
}

/**
 * Declares stream mode's topology on a fresh connection: the durable fanout
 * exchange (publishers publish there, as in exclusive mode), the durable
 * stream bound to it (declared by publishers too, so that a confirmed
 * publish is in the stream even before any replica ran), and the live
 * consumer, attached where the cursor says: after the last message
 * processed, else at the warm-up start (found here on the first connection).
 */
export async function declareStreamTopology(
  model: ChannelModel,
  exchange: string,
  settings: StreamTopologySettings,
  watch: (channel: Channel, role: string) => void,
  lose: (reason: string) => void,
): Promise<Topology> {
  const publishChannel: ConfirmChannel = await model.createConfirmChannel();
  watch(publishChannel, 'publish channel');
  await publishChannel.assertExchange(exchange, 'fanout', { durable: true });
  await settings.declaration.ensure(model);
  await publishChannel.bindQueue(settings.options.name, exchange, '');
  const state = settings.consumer;
  if (state === undefined) return { publishChannel };

  try {
    return { publishChannel, consumer: await attach(model, settings, watch, lose, state) };
  } catch (error) {
    throw refusalOf(error, settings.options.name);
  }
}

/** Attaches the live consumer where the cursor says (planning the warm-up first, on a first connection). */
async function attach(
  model: ChannelModel,
  settings: StreamTopologySettings,
  watch: (channel: Channel, role: string) => void,
  lose: (reason: string) => void,
  state: StreamConsumerState,
): Promise<{ readonly channel: Channel; readonly tag: string }> {
  const offset = await attachPoint(model, settings.options, state);
  const channel = await model.createChannel();
  watch(channel, 'consume channel');
  await channel.prefetch(settings.prefetch, false);
  const onMessage = streamDeliveryHandler({
    ...state,
    channel,
    onCancelled: () => lose('the broker cancelled the stream consumer (was the stream deleted?)'),
    onReplacedHere: () => lose('the stream was deleted and declared anew: reading it from a new start'),
    onNotAStream: () => {
      settings.declaration.refuseNextAttempt();
      lose(`${settings.options.name} delivered a message without a stream offset: it is not a stream`);
    },
  });
  state.cursor.attached();
  const { consumerTag } = await channel.consume(settings.options.name, onMessage, {
    noAck: false,
    arguments: { 'x-stream-offset': offset },
  });
  return { channel, tag: consumerTag };
}

/**
 * Where the live consumer attaches. A consumer with a place in the stream
 * probes the tail first (it learns how far it is behind, and whether the
 * stream is still the one it read: one deleted and declared anew restarts
 * the offsets), then resumes at the last message it processed. Without
 * one, it plans the warm-up: the earlier of "N events before the tail" and
 * "the first chunk of the last W ms".
 */
async function attachPoint(
  model: ChannelModel,
  options: ResolvedStreamOptions,
  state: StreamConsumerState,
): Promise<number> {
  const { cursor } = state;
  if (cursor.planned && !cursor.probed((await readTail(model, options.name)).probe)) state.onReplaced();
  const resume = cursor.attachOffset();
  if (resume !== undefined) return resume;
  const since = Date.now() - options.historyWindowMs - options.clockMarginMs;
  const { probe, firstSince } = await readTail(model, options.name, since);
  const loadFrom = Math.min(firstSince ?? probe, Math.max(0, probe - options.historySize));
  const start =
    loadFrom < probe
      ? await recallFrom(model, options, loadFrom, loadFrom === firstSince ? since : undefined)
      : loadFrom;
  if (cursor.begin({ start, loadFrom, target: probe - 1 })) state.onCaughtUp();
  return start;
}

/** Recalled at most: the reading before the history stays bounded whatever the stream holds. */
const MAX_RECALLED = 100_000;

/**
 * Where to start reading so that the events loaded from `loadFrom` (published from `loadedSince`, when
 * known) are judged with the idempotency window before them, as the replicas that saw them live judged
 * them: the first chunk of that window, read but not delivered (recalled). The window is the history
 * window (the idempotency window, by the composition root), measured from the first event's stated
 * publish time when the history reaches further back than the window.
 */
async function recallFrom(
  model: ChannelModel,
  options: ResolvedStreamOptions,
  loadFrom: number,
  loadedSince: number | undefined,
): Promise<number> {
  const firstLoaded =
    loadedSince ??
    (await readFirst(model, options.name, loadFrom, (message, at) =>
      at < loadFrom ? undefined : (statedPublishTime(message.properties.headers) ?? null),
    ));
  // A message that states no time (a probe, a v1 envelope): the window before now is the best guess.
  const recallSince =
    (firstLoaded ?? Date.now() - options.historyWindowMs) - options.historyWindowMs - options.clockMarginMs;
  const first = await readFirst(model, options.name, streamTimestamp(recallSince), (_, at) => at);
  return Math.max(Math.min(first, loadFrom), loadFrom - MAX_RECALLED, 0);
}
