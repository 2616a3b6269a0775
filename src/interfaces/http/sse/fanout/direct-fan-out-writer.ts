import type { FanOutWriter, WriteShortfall } from '../../../../domain/fan-out-writer';
import type { Subscriber } from '../../../../domain/subscriber';
import type { Frame } from '../../../../domain/subscription';
import { isDirectWritable, type DirectWritable } from './direct-writable';
import { FAILED, UNEXPECTED, unexpectedCode } from './fd-write';
import type { SweepPool } from './sweep-pool';

/** The part of a SweepPool the fan-out uses. */
export type Sweeper = Pick<SweepPool, 'descriptors' | 'write'>;

/** Told, once per sweep, of writes that failed in a way a live socket cannot (a bug to log): error name → count. */
export type OnUnexpected = (errors: ReadonlyMap<string, number>) => void;

/**
 * The fan-out loop for stream sockets (FANOUT=direct): the descriptors of every client that offers one get
 * the frame from the SweepPool (one write(2) each, spread over threads); the others go through `write`.
 * Safe by construction: the descriptors are read and written in one synchronous step (no JS runs in between,
 * so no socket can be closed), and every sink is settled only after the sweep has returned.
 */
export function directFanOutWriter(pool: Sweeper, onUnexpected: OnUnexpected): FanOutWriter {
  const direct: (Subscriber | undefined)[] = [];
  return (frame, live, short) => {
    let sent = 0;
    let count = 0;
    let size = 0;
    for (const set of live) size += set.size;
    const fds = pool.descriptors(size);
    try {
      for (const set of live) {
        for (const subscriber of set) {
          const sink = subscriber.sink;
          const fd = isDirectWritable(sink) ? sink.directFd() : -1;
          if (fd >= 0) {
            fds[count] = fd;
            direct[count] = subscriber;
            count += 1;
            continue;
          }
          const delivery = sink.write(frame);
          if (delivery === 'sent') sent += 1;
          else short(subscriber, delivery);
        }
      }
      if (count > 0) sent += settleSweep(frame, pool.write(frame, count), direct, count, short, onUnexpected);
      return sent;
    } finally {
      // Let the subscribers of this sweep go; the array keeps its capacity.
      direct.fill(undefined, 0, count);
    }
  };
}

/** Reads the results of a sweep: the sinks that took the whole frame count as sent. */
function settleSweep(
  frame: Frame,
  results: Int32Array,
  direct: readonly (Subscriber | undefined)[],
  count: number,
  short: WriteShortfall,
  onUnexpected: OnUnexpected,
): number {
  let sent = 0;
  let unexpected: Map<string, number> | undefined;
  for (let i = 0; i < count; i += 1) {
    const subscriber = direct[i];
    if (subscriber === undefined) continue;
    const written = results[i] ?? FAILED;
    if (written <= UNEXPECTED) {
      const code = unexpectedCode(written);
      (unexpected ??= new Map()).set(code, (unexpected.get(code) ?? 0) + 1);
    }
    const delivery = (subscriber.sink as unknown as DirectWritable).directWritten(frame, written);
    if (delivery === 'sent') sent += 1;
    else short(subscriber, delivery);
  }
  if (unexpected !== undefined) onUnexpected(unexpected);
  return sent;
}
