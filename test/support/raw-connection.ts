import { once } from 'node:events';
import net from 'node:net';

/**
 * A client socket that writes exactly the bytes a test gives it (a request may stop anywhere) and records
 * everything it reads, when the server ended its side, and when the connection closed.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  /** Date.now() when the server's FIN arrived or the connection closed, else undefined. */
  endedAt: number | undefined;
  closedAt: number | undefined;
  /** Bytes the test has written so far. */
  written = 0;
  /** A write that failed because the server had gone (EPIPE, ECONNRESET). */
  writeError: Error | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => (this.received = Buffer.concat([this.received, b])));
    socket.on('end', () => (this.endedAt ??= Date.now()));
    socket.on('close', () => {
      this.closedAt ??= Date.now();
      this.endedAt ??= this.closedAt;
    });
    socket.on('error', (error) => (this.writeError ??= error));
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  /** Writes if the connection can still take bytes; false once the server has gone. */
  write(bytes: string | Buffer): boolean {
    if (this.socket.destroyed || !this.socket.writable) return false;
    this.written += Buffer.byteLength(bytes);
    this.socket.write(bytes);
    return true;
  }

  /** Resolves once the socket can take more bytes, or is gone. */
  drainedOrGone(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done).off('close', done);
        resolve();
      };
      this.socket.on('drain', done).on('close', done);
    });
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  /** The status of every response head read so far. */
  get statuses(): number[] {
    return [...this.text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
  }

  /** The server ended its side (FIN) or the connection is gone. */
  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** The body of the first response, parsed as JSON (for error answers with Content-Length). */
  json(): Record<string, unknown> {
    const start = this.text.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(this.text)?.[1] ?? -1);
    const body = this.received.subarray(start + 4, length < 0 ? undefined : start + 4 + length);
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
