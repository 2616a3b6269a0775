import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * A local JWKS endpoint (there is no internet in the tests): `GET /jwks.json`
 * answers `{"keys": keys}` followed by `paddingBytes` spaces (streamed, no
 * Content-Length), or `status` with a text body when that is not 200 (a 3xx
 * names this same URL as its Location). A test changes `keys` to rotate;
 * `fetches` counts the requests.
 */
export class FakeJwks {
  keys: JWK[] = [];
  status = 200;
  paddingBytes = 0;
  fetches = 0;
  /** Padding bytes written so far, and answers still writing theirs. */
  paddingSent = 0;
  padding = 0;

  private constructor(private readonly server: http.Server) {}

  /** Listens on loopback, on `port` (0: any free port). */
  static async start(port = 0): Promise<FakeJwks> {
    const server = http.createServer();
    const fake = new FakeJwks(server);
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => fake.answer(res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(res: http.ServerResponse): void {
    this.fetches += 1;
    if (this.status !== 200) {
      const location = this.status >= 300 && this.status < 400 ? { Location: this.url } : {};
      res.writeHead(this.status, { 'Content-Type': 'text/plain', ...location }).end('upstream says no');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(JSON.stringify({ keys: this.keys }));
    void this.pad(res);
  }

  /** Writes the padding in 64 KiB pieces as the client takes them, then ends; stops if the client goes. */
  private async pad(res: http.ServerResponse): Promise<void> {
    const piece = Buffer.alloc(65_536, 0x20);
    this.padding += 1;
    for (let left = this.paddingBytes; left > 0 && !res.destroyed; left -= piece.length) {
      this.paddingSent += Math.min(left, piece.length);
      if (!res.write(left >= piece.length ? piece : piece.subarray(0, left))) await drainedOrClosed(res);
    }
    res.end();
    this.padding -= 1;
  }
}

/** Resolves when `res` can take more, or has closed (it never drains then). */
function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
