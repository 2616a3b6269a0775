import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { describeError } from './error-message';

/**
 * The AMQP `type` of a probe: a tiny message this hub writes straight into
 * the stream (through the default exchange) to learn where the stream's tail
 * is. Every reader of the stream skips it.
 */
export const PROBE_TYPE = 'sse-hub.stream-probe';

export const isProbe = (message: ConsumeMessage): boolean => message.properties.type === PROBE_TYPE;

/** The stream offset the broker stamped on a delivery, or undefined when the queue is not a stream. */
export function streamOffsetOf(message: ConsumeMessage): number | undefined {
  const offset: unknown = (message.properties.headers ?? {})['x-stream-offset'];
  return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined;
}

/** A typed AMQP timestamp (whole seconds) for `x-stream-offset`: a plain number would be read as an offset. */
export const streamTimestamp = (epochMs: number): { '!': 'timestamp'; value: number } => ({
  '!': 'timestamp',
  value: Math.max(0, Math.floor(epochMs / 1000)),
});

export const newProbeId = (): string => `probe-${randomUUID()}`;

/** Appends the probe `id` to `stream`; resolves once the broker confirms it. */
export function publishProbe(channel: ConfirmChannel, stream: string, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const options = { type: PROBE_TYPE, messageId: id, persistent: true };
    try {
      channel.sendToQueue(stream, Buffer.from('{}'), options, (error: unknown) => {
        if (error === null || error === undefined) resolve();
        else reject(new Error(`the stream probe was not confirmed: ${describeError(error)}`));
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
