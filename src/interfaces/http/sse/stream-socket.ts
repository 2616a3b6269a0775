import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// Node's own helper that returns a request parser to its pool, as the 'upgrade' path does (a legacy public module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freeParser } = require('_http_common') as {
  freeParser: (parser: unknown, req: unknown, socket: unknown) => void;
};

/** What a stream socket carries: the step that ends its subscription when the connection goes. */
const STREAM = Symbol('sse stream');

interface StreamSocket extends Socket {
  [STREAM]?: { gone: (() => void) | undefined };
}

/** The events Node's HTTP server listens to on a connection; a stream socket leaves them behind. */
const SERVER_EVENTS = ['data', 'end', 'close', 'drain', 'error', 'timeout', 'pause', 'resume'] as const;

/** Marks `socket` as carrying a stream from its request on: nothing else on it will be answered. */
export function markStream(socket: Socket): void {
  (socket as StreamSocket)[STREAM] ??= { gone: undefined };
}

export const isStreamSocket = (socket: Socket): boolean => (socket as StreamSocket)[STREAM] !== undefined;

/**
 * Takes a stream's socket away from Node's HTTP server once its head is written, as Node does for an
 * upgraded connection: the request parser goes back to its pool and the request and response objects are
 * released (nothing per request outlives the handshake but the socket), the server's listeners are
 * removed (so Node never writes an error response into the stream), and the socket's end calls `gone`.
 * Bytes the client sends after its request are read and dropped. Deferred to the next turn of the event
 * loop: the parser that delivered the request is still on the stack now.
 */
export function adoptStreamSocket(req: IncomingMessage, res: ServerResponse, gone: () => void): void {
  const socket = req.socket as StreamSocket;
  markStream(socket);
  (socket[STREAM] as { gone: (() => void) | undefined }).gone = gone;
  socket.once('close', onStreamClose);
  setImmediate(takeOver, socket, req, res);
}

function takeOver(socket: StreamSocket, req: IncomingMessage, res: ServerResponse): void {
  if (socket.destroyed) return;
  const parser = (socket as unknown as { parser?: unknown }).parser;
  for (const event of SERVER_EVENTS) socket.removeAllListeners(event);
  if (res.socket === socket) res.detachSocket(socket);
  if (parser !== undefined && parser !== null) freeParser(parser, req, socket);
  socket.on('error', ignore);
  socket.on('end', endStream);
  socket.on('close', onStreamClose);
  socket.on('data', ignore);
  socket.resume();
}

function ignore(): void {
  // a stream reads nothing from its client; errors end the socket, which 'close' handles
}

/** The client half-closed: the stream cannot be read by anyone any more. */
function endStream(this: Socket): void {
  this.destroy();
}

function onStreamClose(this: StreamSocket): void {
  const stream = this[STREAM];
  const gone = stream?.gone;
  if (stream !== undefined) stream.gone = undefined;
  gone?.();
}
