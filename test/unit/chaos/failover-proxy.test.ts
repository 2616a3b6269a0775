import { expect } from 'chai';
import { once } from 'node:events';
import net from 'node:net';
import { FailoverProxy } from '../../support/failover-proxy';
import { freePort } from '../../support/free-port';

/** A server that greets every connection with its name, and keeps it open. */
async function namedServer(name: string, port = 0): Promise<net.Server & { sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.write(name);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(server, { sockets });
}

const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;

/** Connects through the proxy: the name of the server reached, or 'closed' if the proxy closed the connection. */
async function reach(proxy: FailoverProxy): Promise<string> {
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.on('error', () => undefined);
  const answer = await Promise.race([
    once(socket, 'data').then(([data]) => String(data)),
    once(socket, 'close').then(() => 'closed'),
  ]);
  socket.destroy();
  return answer;
}

describe('FailoverProxy', () => {
  const servers: net.Server[] = [];
  let proxy: FailoverProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    for (const server of servers.splice(0)) {
      (server as net.Server & { sockets: Set<net.Socket> }).sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  it('sends new connections to the first upstream that is up, and counts where they went', async () => {
    servers.push(await namedServer('a'), await namedServer('b'));
    proxy = await FailoverProxy.start(servers.map(portOf));
    expect(await reach(proxy)).to.equal('a');
    proxy.markDown(0);
    expect(await reach(proxy)).to.equal('b');
    proxy.markUp(0);
    expect(await reach(proxy)).to.equal('a');
    expect(proxy.routed).to.deep.equal([2, 1]);
  });

  it('falls over to the next upstream when the preferred one refuses', async () => {
    const gone = await freePort();
    servers.push(await namedServer('b'));
    proxy = await FailoverProxy.start([gone, portOf(servers[0]!)]);
    expect(await reach(proxy)).to.equal('b');
  });

  it('closes the connection when no upstream takes it', async () => {
    proxy = await FailoverProxy.start([await freePort(), await freePort()]);
    expect(await reach(proxy)).to.equal('closed');
  });

  it('follows an upstream that came back on another port', async () => {
    servers.push(await namedServer('old'), await namedServer('other'));
    proxy = await FailoverProxy.start(servers.map(portOf));
    proxy.markDown(0);
    const moved = await namedServer('new');
    servers.push(moved);
    proxy.markUp(0, portOf(moved));
    expect(await reach(proxy)).to.equal('new');
  });

  it('ends a client connection when its upstream goes away', async () => {
    const server = await namedServer('a');
    servers.push(server);
    proxy = await FailoverProxy.start([portOf(server)]);
    const socket = net.connect(proxy.port, '127.0.0.1');
    await once(socket, 'data');
    const closed = once(socket, 'close');
    server.sockets.forEach((s) => s.destroy());
    await closed;
  });
});
