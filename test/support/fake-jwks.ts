import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * A local JWKS endpoint (there is no internet in the tests): `GET /jwks.json`
 * answers `{"keys": keys}`, or `status` with a text body when that is not 200.
 * A test changes `keys` to rotate; `fetches` counts the requests.
 */
export class FakeJwks {
  keys: JWK[] = [];
  status = 200;
  fetches = 0;

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
      res.writeHead(this.status, { 'Content-Type': 'text/plain' }).end('upstream says no');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
  }
}
