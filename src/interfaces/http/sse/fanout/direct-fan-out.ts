import type { FanOut, FanOutFailure } from '../../../../domain/fan-out';
import type { Frame } from '../../../../domain/subscription';
import { SseSink } from '../sse-sink';
import { FAILED, PENDING } from './fd-write';
import type { SweepPool } from './sweep-pool';

/**
 * The fan-out loop for stream sockets: the descriptors of every client with
 * nothing queued get the frame from the SweepPool (one write(2) each, spread
 * over threads); the others (queued bytes, HTTP/1.0, other sinks) go through
 * `deliver`. Per client on this thread: a few property reads before the sweep
 * and one comparison after it.
 */
export function directFanOut(pool: SweepPool): FanOut {
  const direct: (SseSink | undefined)[] = [];
  return (frame, sinks, failed) => {
    let sent = 0;
    let count = 0;
    const fds = pool.descriptors(sinks.size, frame.length);
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
    if (count === 0) return sent;
    sent += settle(pool, frame, pool.write(frame, count), direct, count, failed);
    // Let the sinks of this sweep go; the array keeps its capacity.
    direct.fill(undefined, 0, count);
    return sent;
  };
}

/** Reads the results of a sweep: the sinks that took the whole frame count as sent. */
function settle(
  pool: SweepPool,
  frame: Frame,
  results: Int32Array,
  direct: readonly (SseSink | undefined)[],
  count: number,
  failed: FanOutFailure,
): number {
  let sent = 0;
  for (let i = 0; i < count; i += 1) {
    const sink = direct[i];
    if (sink === undefined) continue;
    const written = results[i] ?? FAILED;
    if (written === PENDING) {
      // A stuck helper may yet write to it: close it (it may hold part of a frame) once the helper is gone.
      pool.afterHelpersHalt(() => sink.close('slow'));
      failed(sink, 'closed');
      continue;
    }
    const delivery = sink.directWritten(frame, written);
    if (delivery === 'sent') sent += 1;
    else failed(sink, delivery);
  }
  return sent;
}
