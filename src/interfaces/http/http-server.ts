import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type Koa from 'koa';
import { writeJsonError } from './json-error';
import { isStreamSocket } from './sse/stream-socket';
import type { FastPath } from './routes/stream.fast-path';

/** Headers and body must have arrived within this (SPEC.md): a slow or stalled sender is answered 408. */
export const REQUEST_DEADLINE_MS = 15_000;

export interface HttpServerOptions {
  /** Headers and body must have arrived within this; REQUEST_DEADLINE_MS unless a test needs a shorter one. */
  readonly requestDeadlineMs: number;
}

/** What Node's parser errors mean to the client, for connections that are not streams. */
const CLIENT_ERRORS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Content Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** The listening socket around the Koa app, with request deadlines and a shutdown that never hangs. */
export class HttpServer {
  private readonly server: Server;
  readonly requestDeadlineMs: number;

  constructor(
    app: Koa,
    private readonly host: string,
    private readonly port: number,
    fastPath: FastPath | undefined,
    options: HttpServerOptions,
  ) {
    const handle = app.callback();
    const deadline = (this.requestDeadlineMs = options.requestDeadlineMs);
    this.server = createServer(
      {
        noDelay: true,
        keepAliveTimeout: 5_000,
        headersTimeout: deadline,
        requestTimeout: deadline,
        // How often Node checks those deadlines; the default (30 s) would let a stalled sender stay 45 s.
        connectionsCheckingInterval: Math.min(1_000, deadline),
      },
      (req, res) => {
        // A request behind a stream on its connection would never be answered: it is not even looked at.
        if (isStreamSocket(req.socket)) return;
        if (!toOriginForm(req)) {
          writeJsonError(res, 400, 'the request target is not a valid URL', { Connection: 'close' });
          return;
        }
        // Koa's handler settles its own errors (the app's error guard and 'error' event).
        if (fastPath?.(req, res) !== true) void handle(req, res);
      },
    );
    this.server.on('clientError', onClientError);
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // A deep backlog: thousands of EventSource clients reconnect at once after a restart.
      this.server.listen({ host: this.host, port: this.port, backlog: 4096 }, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting connections and closes idle keep-alive ones; open streams are the caller's to end. */
  stopAccepting(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    return closed;
  }

  /** Resolves when every connection is gone, cutting the ones left after `graceMs`. */
  async drain(closed: Promise<void>, graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.server.closeAllConnections();
        resolve();
      }, graceMs);
    });
    await Promise.race([closed, deadline]);
    clearTimeout(timer);
  }
}

/**
 * Bad bytes or a missed deadline on a connection. Node's own handler would write an error response into
 * whatever the connection carries; a stream's is cut without a word, any other gets its status and closes.
 */
function onClientError(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (!isStreamSocket(socket) && socket.writable && inFlight?.headersSent !== true) {
    const status = CLIENT_ERRORS[error.code ?? ''] ?? '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}

/**
 * Rewrites an absolute-form target (`GET http://host/path?q`, which RFC 9112 has servers accept) to its
 * origin form, so that every layer after this sees a path; false for one that is not a URL. Node's legacy
 * parser (which Koa uses) would print such a target, query and token included, in a warning.
 */
function toOriginForm(req: IncomingMessage): boolean {
  const target = req.url ?? '/';
  if (target.startsWith('/') || target === '*') return true;
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    req.url = `${url.pathname}${url.search}`;
    return true;
  } catch {
    return false;
  }
}
