import { once } from 'node:events';
import net from 'node:net';
import { Waiters } from './waiters';

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

  private readonly waiters = new Waiters();

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.received = Buffer.concat([this.received, b]);
      this.notify();
    });
    socket.on('end', () => {
      this.endedAt ??= Date.now();
      this.notify();
    });
    socket.on('close', () => {
      this.closedAt ??= Date.now();
      this.endedAt ??= this.closedAt;
      this.notify();
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

  /** Resolves once `predicate` holds (checked on every read and at the end), or rejects after `timeoutMs`. */
  waitFor(predicate: (connection: this) => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    const failure = (): string =>
      `timed out after ${timeoutMs} ms waiting for ${what}; read:\n${this.text.slice(0, 600)}`;
    return this.waiters.until(() => predicate(this), timeoutMs, failure);
  }

  private notify(): void {
    this.waiters.notify();
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

  /** How many bytes have been read so far: a mark to look at what came after it. */
  get bytesRead(): number {
    return this.received.length;
  }

  /** What was read after `from` bytes (a `bytesRead` taken earlier). */
  textSince(from: number): string {
    return this.received.subarray(from).toString('latin1');
  }

  /** The status of every response head read (after `from` bytes). */
  statusesSince(from: number): number[] {
    return [...this.textSince(from).matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
  }

  get statuses(): number[] {
    return this.statusesSince(0);
  }

  /** The server ended its side (FIN) or the connection is gone. */
  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** The body of the first response (after `from` bytes), parsed as JSON (error answers have a Content-Length). */
  json(from = 0): Record<string, unknown> {
    const text = this.textSince(from);
    const start = text.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? -1);
    const bytes = this.received.subarray(from);
    const body = bytes.subarray(start + 4, length < 0 ? undefined : start + 4 + length);
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
