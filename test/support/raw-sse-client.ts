import net from 'node:net';
import { Waiters } from './waiters';

const RAW_KEPT = 64 * 1024;

export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * A stream client over a raw socket that keeps every byte: the response head,
 * the de-chunked body, the parsed events and comments, and whether the chunked
 * body was terminated. For byte-level assertions that EventSource hides.
 */
export class RawSseClient {
  readonly socket: net.Socket;
  /** The first bytes received (head and start of the body), for byte-level checks. */
  raw = Buffer.alloc(0);
  head = '';
  status = 0;
  headers: Record<string, string> = {};
  body = '';
  retry: number | undefined;
  readonly events: SseMessage[] = [];
  readonly comments: string[] = [];
  /** The zero-length chunk arrived. */
  terminated = false;
  closed = false;
  private chunked = false;
  private pending = Buffer.alloc(0);
  private sseBuffer = '';
  private current: { id?: string; event?: string; data: string[] } = { data: [] };
  private readonly waiters = new Waiters();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, target: string, headers: Record<string, string> = {}): Promise<RawSseClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        const lines = Object.entries({ Host: `127.0.0.1:${port}`, Accept: 'text/event-stream', ...headers });
        socket.write(`GET ${target} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
        resolve(new RawSseClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Resolves once `predicate` holds (checked after every read), or rejects after `timeoutMs`. */
  waitFor(predicate: (client: this) => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    const failure = (): string =>
      `timed out waiting for ${what}; got ${this.events.length} events, body:\n${this.body.slice(-500)}`;
    return this.waiters.until(() => predicate(this), timeoutMs, failure);
  }

  waitForEvents(count: number, timeoutMs = 5_000): Promise<void> {
    return this.waitFor((c) => c.events.length >= count, timeoutMs, `${count} events`);
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    this.waiters.notify();
  }

  private onData(bytes: Buffer): void {
    if (this.raw.length < RAW_KEPT) this.raw = Buffer.concat([this.raw, bytes]);
    if (this.status === 0) {
      const end = this.raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.parseHead(this.raw.subarray(0, end).toString('latin1'));
      this.pending = this.raw.subarray(end + 4);
    } else {
      this.pending = Buffer.concat([this.pending, bytes]);
    }
    this.drainBody();
    this.notify();
  }

  private parseHead(head: string): void {
    this.head = head;
    const [statusLine = '', ...lines] = head.split('\r\n');
    this.status = Number(statusLine.split(' ')[1]);
    for (const line of lines) {
      const colon = line.indexOf(':');
      this.headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.chunked = this.headers['transfer-encoding'] === 'chunked';
  }

  private drainBody(): void {
    if (!this.chunked) {
      this.onBodyText(this.pending.toString('utf8'));
      this.pending = Buffer.alloc(0);
      return;
    }
    for (;;) {
      const lineEnd = this.pending.indexOf('\r\n');
      if (lineEnd < 0) return;
      const size = parseInt(this.pending.subarray(0, lineEnd).toString('latin1'), 16);
      if (this.pending.length < lineEnd + 2 + size + 2) return;
      if (size === 0) this.terminated = true;
      this.onBodyText(this.pending.subarray(lineEnd + 2, lineEnd + 2 + size).toString('utf8'));
      this.pending = this.pending.subarray(lineEnd + 2 + size + 2);
    }
  }

  private onBodyText(text: string): void {
    this.body += text;
    this.sseBuffer += text;
    const lines = this.sseBuffer.split(/\r\n|\r|\n/);
    this.sseBuffer = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  private onLine(line: string): void {
    if (line === '') {
      if (this.current.data.length > 0) {
        this.events.push({ id: this.current.id, event: this.current.event, data: this.current.data.join('\n') });
      }
      this.current = { data: [] };
      return;
    }
    if (line.startsWith(':')) return void this.comments.push(line.slice(1));
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.current.data.push(value);
    else if (field === 'id') this.current.id = value;
    else if (field === 'event') this.current.event = value;
    else if (field === 'retry') this.retry = Number(value);
  }
}
