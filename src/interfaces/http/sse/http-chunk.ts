/**
 * One HTTP/1.1 chunk (RFC 9112 §7.1): hex size, CRLF, bytes, CRLF. Framing a
 * frame once lets every client get it with one socket write of a shared Buffer.
 */
export function chunk(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = `${body.length.toString(16)}\r\n`;
  const out = Buffer.allocUnsafe(head.length + body.length + 2);
  out.write(head, 0, 'latin1');
  body.copy(out, head.length);
  out.write('\r\n', head.length + body.length, 'latin1');
  return out;
}

/** The zero-length chunk that ends a chunked body. */
export const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** The bytes inside one chunk made by `chunk` (a view, not a copy). */
export function unchunk(frame: Uint8Array): Uint8Array {
  const start = frame.indexOf(0x0a) + 1;
  return frame.subarray(start, frame.length - 2);
}
