/**
 * The broker answers, but refuses the topology in a way no retry soon will
 * fix (no stream queues; AMQP_STREAM names a queue that is not a stream).
 * The reconnector logs it once, shows it as the readiness reason and retries
 * at the backoff cap. The message names what to change and never the URL.
 */
import { brokerText } from './error-message';

export class TopologyRefused extends Error {
  override readonly name = 'TopologyRefused';
}

export const streamUnsupported = (stream: string, brokerText: string): TopologyRefused =>
  new TopologyRefused(
    `RabbitMQ refused to create the stream ${stream} (${brokerText}): stream queues need RabbitMQ 3.9 or later ` +
      'with the stream_queue feature flag enabled; or set AMQP_QUEUE=exclusive',
  );

export const notAStream = (stream: string, detail: string): TopologyRefused =>
  new TopologyRefused(
    `the queue ${stream} exists and is not a stream (${detail}): delete it, set AMQP_STREAM to another name, ` +
      'or set AMQP_QUEUE=exclusive',
  );

/**
 * A consume with `x-stream-offset` refused because the queue is of another
 * type (RabbitMQ 3.10: "invalid arg 'x-stream-offset' ... of queue type
 * rabbit_classic_queue") becomes a refusal; anything else is returned as is.
 */
export function refusalOf(error: unknown, stream: string): unknown {
  const text = brokerText(error);
  return /invalid arg 'x-stream-offset'/.test(text) ? notAStream(stream, text) : error;
}
