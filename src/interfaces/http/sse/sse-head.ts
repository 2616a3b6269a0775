import { corsHeaders } from '../cors';

export interface HeadOptions {
  /** HTTP/1.1 clients get a chunked body; HTTP/1.0 ones a body that ends when the connection closes. */
  readonly chunked: boolean;
  readonly corsOrigins: '*' | readonly string[];
  readonly origin: string | undefined;
}

/** The headers of every stream response, also sent for HEAD. */
export function streamHeaders(options: Omit<HeadOptions, 'chunked'>): Record<string, string> {
  return {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
    ...corsHeaders(options.corsOrigins, options.origin),
  };
}

/**
 * The response head of a stream, written straight to the socket with the first
 * frame: the SSE layer owns the whole wire format, and Node keeps no header
 * string alive for the life of the connection.
 */
export function streamHead(options: HeadOptions): string {
  // Nothing is read on a stream's connection after its request: when the stream ends, so does the connection.
  const framing = `Connection: close${options.chunked ? '\r\nTransfer-Encoding: chunked' : ''}`;
  let head = 'HTTP/1.1 200 OK\r\n';
  for (const [name, value] of Object.entries(streamHeaders(options))) head += `${name}: ${value}\r\n`;
  return `${head}Date: ${new Date().toUTCString()}\r\n${framing}\r\n\r\n`;
}
