import type http from 'node:http';

/**
 * How the fake CoinAPI can misbehave on the wire. Every kind holds the
 * connection open until the client gives up (or the fake closes), and none
 * ever holds a large body in memory: a huge body is one 64 KiB chunk written
 * again and again, as fast as the client reads it.
 */
export type Misbehaviour =
  /** Takes the request and never sends a status line or headers. */
  | { readonly kind: 'no-headers' }
  /** Sends the headers at once, then the body one byte every `everyMs`. */
  | { readonly kind: 'trickle'; readonly everyMs: number }
  /** Sends the headers and the start of a body, then one more space every `everyMs`, forever. */
  | { readonly kind: 'endless'; readonly everyMs: number }
  /** A 200 of `bytes` bytes (valid JSON of the documented shape, padded with spaces), with or without Content-Length. */
  | { readonly kind: 'huge'; readonly bytes: number; readonly contentLength: boolean };

/** What a misbehaving answer needs from the fake: where to count bytes and where to register its timers. */
export interface Wire {
  readonly res: http.ServerResponse;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body a well-behaved answer would have sent. */
  readonly text: string;
  sent(bytes: number): void;
  track(timer: NodeJS.Timeout): void;
}

const CHUNK_BYTES = 64 * 1024;
const HUGE_HEAD = '{"asset_id_base":"BTC","rates":[';
const HUGE_TAIL = ']}';

export function misbehave(how: Misbehaviour, wire: Wire): void {
  switch (how.kind) {
    case 'no-headers':
      return;
    case 'trickle':
      return drip(wire, Buffer.from(wire.text), how.everyMs);
    case 'endless':
      wire.res.writeHead(wire.status, wire.headers);
      wire.res.write(HUGE_HEAD);
      wire.sent(HUGE_HEAD.length);
      return drip(wire, undefined, how.everyMs);
    case 'huge':
      return pump(wire, how.bytes, how.contentLength);
  }
}

/** Writes `body` one byte per tick and ends; with no body, writes a space per tick forever. */
function drip(wire: Wire, body: Buffer | undefined, everyMs: number): void {
  const { res } = wire;
  if (body !== undefined) res.writeHead(wire.status, { ...wire.headers, 'Content-Length': String(body.length) });
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    if (body !== undefined && at >= body.length) {
      clearInterval(timer);
      return void res.end();
    }
    res.write(body === undefined ? ' ' : body.subarray(at, at + 1));
    at += 1;
    wire.sent(1);
  }, everyMs);
  wire.track(timer);
  res.on('close', () => clearInterval(timer));
}

/** Streams `bytes` bytes at the pace the client reads them (write until the socket is full, then wait for drain). */
function pump(wire: Wire, bytes: number, contentLength: boolean): void {
  const { res } = wire;
  const padding = Buffer.alloc(CHUNK_BYTES, 0x20);
  const length = contentLength ? { 'Content-Length': String(bytes) } : {};
  res.writeHead(200, { ...wire.headers, ...length });
  res.write(HUGE_HEAD);
  let left = bytes - HUGE_HEAD.length - HUGE_TAIL.length;
  wire.sent(HUGE_HEAD.length);
  const more = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, CHUNK_BYTES);
      left -= n;
      wire.sent(n);
      if (!res.write(n === CHUNK_BYTES ? padding : padding.subarray(0, n))) return void res.once('drain', more);
    }
    if (left <= 0 && !res.destroyed) {
      res.end(HUGE_TAIL);
      wire.sent(HUGE_TAIL.length);
    }
  };
  more();
}
