import { once } from 'node:events';
import net from 'node:net';
import { eventually } from './wait';

const TAIL_BYTES = 64 * 1024;

/**
 * A stream client that opens its stream, reads the head, then stops reading (its socket paused) until the
 * test calls `resume`: the client that falls behind. Keeps a count and the last bytes only, so it can be
 * resumed on tens of megabytes cheaply.
 */
export class StalledReader {
  bytes = 0;
  tail = '';
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.bytes += b.length;
      this.tail = (this.tail + b.toString('latin1')).slice(-TAIL_BYTES);
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  /** Opens `target` on `port` and resolves once the stream's `retry:` line has arrived, the socket paused. */
  static async open(port: number, target = '/api/v1/sso/stream'): Promise<StalledReader> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const reader = new StalledReader(socket);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    await eventually(
      () => reader.closed || reader.tail.includes('retry:'),
      () => `the stream head; got ${reader.tail.slice(0, 300)}`,
      5_000,
      5,
    );
    if (reader.closed) throw new Error(`no stream head: ${reader.tail.slice(0, 300)}`);
    socket.pause();
    return reader;
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.destroy();
  }
}
