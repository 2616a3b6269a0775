import type { FanOut } from '../../../../domain/fan-out';
import { SseSink } from '../sse-sink';
import { FAILED } from './fd-write';
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
    const results = pool.write(frame, count);
    for (let i = 0; i < count; i += 1) {
      const sink = direct[i];
      if (sink === undefined) continue;
      const delivery = sink.directWritten(frame, results[i] ?? FAILED);
      if (delivery === 'sent') sent += 1;
      else failed(sink, delivery);
    }
    // Let the sinks of this sweep go; the array keeps its capacity.
    direct.fill(undefined, 0, count);
    return sent;
  };
}
