import type { FanOut, FanOutFailure } from '../../../../domain/fan-out';
import type { Frame } from '../../../../domain/subscription';
import { SseSink } from '../sse-sink';
import { FAILED, UNEXPECTED, unexpectedCode } from './fd-write';
import type { SweepPool } from './sweep-pool';

/** The part of a SweepPool the fan-out uses. */
export type Sweeper = Pick<SweepPool, 'descriptors' | 'write'>;

/** Told, once per sweep, of writes that failed in a way a live socket cannot (a bug to log): error name → count. */
export type OnUnexpected = (errors: ReadonlyMap<string, number>) => void;

/**
 * The fan-out loop for stream sockets: the descriptors of every client with
 * nothing queued get the frame from the SweepPool (one write(2) each, spread
 * over threads); the others (queued bytes, HTTP/1.0, other sinks) go through
 * `deliver`. Per client on this thread: a few property reads before the sweep
 * and one comparison after it.
 */
export function directFanOut(pool: Sweeper, onUnexpected: OnUnexpected): FanOut {
  const direct: (SseSink | undefined)[] = [];
  return (frame, sinks, failed) => {
    let sent = 0;
    let count = 0;
    const fds = pool.descriptors(sinks.size);
    try {
      for (const sink of sinks) {
        if (sink instanceof SseSink) {
          const fd = sink.directFd();
          if (fd >= 0) {
            fds[count] = fd;
            direct[count] = sink;
            count += 1;
            continue;
          }
        }
        const delivery = sink.deliver(frame);
        if (delivery === 'sent') sent += 1;
        else failed(sink, delivery);
      }
      if (count > 0) sent += settleSweep(frame, pool.write(frame, count), direct, count, failed, onUnexpected);
      return sent;
    } finally {
      // Let the sinks of this sweep go; the array keeps its capacity.
      direct.fill(undefined, 0, count);
    }
  };
}

/** Reads the results of a sweep: the sinks that took the whole frame count as sent. */
function settleSweep(
  frame: Frame,
  results: Int32Array,
  direct: readonly (SseSink | undefined)[],
  count: number,
  failed: FanOutFailure,
  onUnexpected: OnUnexpected,
): number {
  let sent = 0;
  let unexpected: Map<string, number> | undefined;
  for (let i = 0; i < count; i += 1) {
    const sink = direct[i];
    if (sink === undefined) continue;
    const written = results[i] ?? FAILED;
    if (written <= UNEXPECTED) {
      const code = unexpectedCode(written);
      (unexpected ??= new Map()).set(code, (unexpected.get(code) ?? 0) + 1);
    }
    const delivery = sink.directWritten(frame, written);
    if (delivery === 'sent') sent += 1;
    else failed(sink, delivery);
  }
  if (unexpected !== undefined) onUnexpected(unexpected);
  return sent;
}
