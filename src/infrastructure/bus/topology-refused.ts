/**
 * The broker answers, but refuses the topology in a way no retry soon will
 * fix (no stream queues; AMQP_STREAM names a queue that is not a stream).
 * The reconnector logs it once, shows it as the readiness reason and retries
 * at the backoff cap. The message names what to change and never the URL.
 */
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
