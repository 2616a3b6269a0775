/** What the publisher sends and the clients read back: the wire side of the bookkeeping. */

export const BROADCAST_PATH = '/api/v1/sso/broadcast';
export const STREAM_PATH = '/api/v1/sso/stream';
export const TOPIC = 'chaos';

/** The broadcast body of event `seq` of run `run`. */
export const chaosBody = (run: string, seq: number): { message: { run: string; seq: number }; topic: string } => ({
  message: { run, seq },
  topic: TOPIC,
});

/** One key per event, the same on every retry (1-128 characters of A-Za-z0-9._:-). */
export const idempotencyKey = (run: string, seq: number): string => `${run}.${seq}`;

/** The sequence number carried by an event's data (`{"message": {"run", "seq"}}`), if it is one of this run's. */
export function sequenceOf(data: string, run: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const message: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'message') : undefined;
  if (typeof message !== 'object' || message === null || Reflect.get(message, 'run') !== run) return undefined;
  const seq: unknown = Reflect.get(message, 'seq');
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : undefined;
}
