import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { eventually } from './wait';

/** A connected loopback socket pair: `server` is the writing side, `peer` the client that reads (or not). */
export interface Pair {
  readonly server: net.Socket;
  readonly peer: net.Socket;
  /** Everything the peer has read so far. */
  readonly received: () => Buffer;
  /** Resolves with what the peer has read once it is at least `bytes` bytes; rejects after 5 s. */
  readonly waitFor: (bytes: number) => Promise<Buffer>;
}

/** Connects a client to `listener` and returns both ends; the peer records what it reads. */
export async function socketPair(listener: net.Server): Promise<Pair> {
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  const peer = net.connect((listener.address() as AddressInfo).port, '127.0.0.1');
  await once(peer, 'connect');
  const [server] = await accepted;
  server.on('error', () => undefined);
  peer.on('error', () => undefined);
  const chunks: Buffer[] = [];
  peer.on('data', (b: Buffer) => chunks.push(b));
  const received = (): Buffer => Buffer.concat(chunks);
  const waitFor = async (bytes: number): Promise<Buffer> => {
    await eventually(
      () => received().length >= bytes,
      () => `${bytes} bytes; got ${received().length}`,
      5_000,
      5,
    );
    return received();
  };
  return { server, peer, received, waitFor };
}

/** A loopback listener for socketPair. */
export async function pairListener(): Promise<net.Server> {
  const listener = net.createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  return listener;
}

/** The descriptor of a socket's handle (what the fan-out writes to). */
export const fdOf = (socket: net.Socket): number => (socket as unknown as { _handle: { fd: number } })._handle.fd;

/** `n` pairs on `listener`, made one at a time (socketPair takes the listener's next connection). */
export async function socketPairs(listener: net.Server, n: number): Promise<Pair[]> {
  const made: Pair[] = [];
  for (let i = 0; i < n; i += 1) made.push(await socketPair(listener));
  return made;
}

/** Stops Node reading `socket`, so a reset from its peer stays for a write to find (Node would close it first). */
export const stopReading = (socket: net.Socket): void =>
  void (socket as unknown as { _handle: { readStop(): number } })._handle.readStop();
