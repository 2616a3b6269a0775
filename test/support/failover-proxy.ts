import net from 'node:net';

interface Upstream {
  port: number;
  up: boolean;
}

/**
 * A loopback TCP front for several servers, in order of preference, as a load
 * balancer would be: each new connection goes to the first upstream that is
 * marked up and accepts it, so a client whose server died (marked down, or
 * refusing) lands on the next one. Open connections stay where they are; when
 * their server goes they close, and the client's reconnect fails over.
 */
export class FailoverProxy {
  /** Connections forwarded to each upstream so far. */
  readonly routed: number[];
  private readonly upstreams: Upstream[];
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.accept(client));

  private constructor(ports: readonly number[]) {
    this.upstreams = ports.map((port) => ({ port, up: true }));
    this.routed = ports.map(() => 0);
  }

  static async start(ports: readonly number[]): Promise<FailoverProxy> {
    const proxy = new FailoverProxy(ports);
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

  /** New connections skip upstream `index` until `markUp`. */
  markDown(index: number): void {
    this.upstream(index).up = false;
  }

  /** Upstream `index` takes new connections again, at `port` if it moved (a restarted server). */
  markUp(index: number, port?: number): void {
    const upstream = this.upstream(index);
    upstream.up = true;
    if (port !== undefined) upstream.port = port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private upstream(index: number): Upstream {
    const upstream = this.upstreams[index];
    if (upstream === undefined) throw new Error(`no upstream ${index}`);
    return upstream;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.pause();
    client.on('error', () => client.destroy());
    this.connect(client, 0);
  }

  /** Tries the upstreams from `from` on; none left: the client is closed (and retries on its own). */
  private connect(client: net.Socket, from: number): void {
    const index = this.upstreams.findIndex((u, n) => n >= from && u.up);
    const target = this.upstreams[index];
    if (target === undefined || client.destroyed) return void client.destroy();
    const upstream = net.connect(target.port, '127.0.0.1');
    this.track(upstream);
    const dropUpstream = (): void => void upstream.destroy();
    client.once('close', dropUpstream);
    let connected = false;
    upstream.on('error', () => {
      if (connected) return; // 'close' follows and ends the client too
      client.off('close', dropUpstream);
      this.connect(client, index + 1);
    });
    upstream.once('connect', () => {
      connected = true;
      this.routed[index] = (this.routed[index] ?? 0) + 1;
      upstream.once('close', () => client.destroy());
      upstream.pipe(client);
      client.pipe(upstream);
    });
  }
}
