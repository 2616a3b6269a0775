import net from 'node:net';

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

/**
 * A loopback TCP proxy for fault injection between a client and a real
 * server (never stop the server itself): `cut()` drops every connection and
 * refuses new ones until `restore()`; `pause()` keeps connections open but
 * stops forwarding what clients send until `resume()`.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private refusing = false;
  private paused = false;

  private readonly server = net.createServer((client) => this.accept(client));

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort, targetHost);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** The loopback port clients connect to. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Connections currently forwarded. */
  get connections(): number {
    return this.pairs.size;
  }

  cut(): void {
    this.refusing = true;
    for (const pair of this.pairs) this.drop(pair);
  }

  restore(): void {
    this.refusing = false;
  }

  pause(): void {
    this.paused = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      client.pause();
    }
  }

  resume(): void {
    this.paused = false;
    for (const { client, upstream } of this.pairs) client.pipe(upstream);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    upstream.pipe(client);
    if (this.paused) client.pause();
    else client.pipe(upstream);
  }

  private drop(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
