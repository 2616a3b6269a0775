import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { FastPath } from './routes/stream.fast-path';

/** The listening socket around the Koa app, with a shutdown that never hangs. */
export class HttpServer {
  private readonly server: Server;

  constructor(
    app: Koa,
    private readonly host: string,
    private readonly port: number,
    fastPath: FastPath = () => false,
  ) {
    const handle = app.callback();
    // Koa's handler settles its own errors (the app's error guard and 'error' event).
    this.server = createServer({ noDelay: true, keepAliveTimeout: 5_000 }, (req, res) => {
      if (!fastPath(req, res)) void handle(req, res);
    });
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
