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

/**
 * The bytes inside the chunks of `frame` (one chunk, or several joined by a
 * batch or a replay), for HTTP/1.0 clients. One chunk is a view, not a copy.
 */
export function unchunk(frame: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < frame.length) {
    const sizeEnd = frame.indexOf(0x0d, at);
    const size = parseInt(Buffer.from(frame.buffer, frame.byteOffset + at, sizeEnd - at).toString('latin1'), 16);
    parts.push(frame.subarray(sizeEnd + 2, sizeEnd + 2 + size));
    at = sizeEnd + 2 + size + 2;
  }
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}
