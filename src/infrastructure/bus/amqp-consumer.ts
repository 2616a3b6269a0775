import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { StreamEvent } from '../../domain/stream-event';
import type { BusListener } from '../../application/ports/bus-listener.port';
import type { Metrics } from '../metrics/metrics';
import { decodeEnvelope } from './amqp-envelope';

export interface DeliveryContext {
  readonly channel: Channel;
  readonly maxMessageBytes: number;
  readonly listeners: readonly BusListener[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The broker cancelled the consumer (its queue is gone): the session is no longer consuming. */
  readonly onCancelled: () => void;
}

/**
 * The consume callback: decodes, validates, hands the event to every listener,
 * then acks. A message that cannot be an event is logged, counted and
 * rejected without requeue (requeueing would only loop it). Never throws: it
 * runs inside amqplib's socket callbacks.
 */
export function deliveryHandler(context: DeliveryContext): (message: ConsumeMessage | null) => void {
  return (message) => {
    if (message === null) return context.onCancelled();
    const decoded = decodeEnvelope(message.content, message.properties, context.maxMessageBytes);
    if (decoded.ok) {
      dispatch(context, decoded.event);
      settle(context, () => context.channel.ack(message));
      return;
    }
    context.metrics.busMessagesRejected.inc();
    context.logger.warn(
      { reason: decoded.reason, bytes: message.content.length, messageId: message.properties.messageId as unknown },
      'dropped a malformed message from the bus',
    );
    settle(context, () => context.channel.reject(message, false));
  };
}

function dispatch(context: DeliveryContext, event: StreamEvent): void {
  for (const listener of context.listeners) {
    try {
      listener.event(event);
    } catch (error) {
      context.logger.error({ err: error, eventId: event.id }, 'bus listener failed');
    }
  }
}

/** An ack on a channel that just closed throws; the message is gone with its queue anyway. */
function settle(context: DeliveryContext, acknowledge: () => void): void {
  try {
    acknowledge();
  } catch (error) {
    context.logger.debug({ err: error }, 'could not settle a message: channel closed');
  }
}
