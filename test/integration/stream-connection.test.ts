import { expect } from 'chai';
import net from 'node:net';
import type { SubscribeInput } from '../../src/application/subscribe.use-case';
import { Subscribe } from '../../src/application/subscribe.use-case';
import { Broker } from '../../src/domain/broker';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { eventually } from '../support/wait';

const STREAM = '/api/v1/sso/stream';
const GET = `GET ${STREAM} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n`;

/** A raw connection that records every byte it receives. */
function rawConnection(port: number): { socket: net.Socket; text: () => string; closed: () => boolean } {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (b: Buffer) => (received += b.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return { socket, text: () => received, closed: () => closed };
}

for (const fanOut of ['direct', 'stream'] as const) {
  describe(`the stream connection (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    let broker: Broker;
    const sockets: net.Socket[] = [];

    beforeEach(async () => {
      service = await startService({ fanOut });
      broker = service.container.get(Broker);
    });
    afterEach(async () => {
      sockets.splice(0).forEach((s) => s.destroy());
      await service.stop();
    });

    it('never answers junk sent with the request inside the stream, and lets the stream go', async () => {
      const conn = rawConnection(service.port);
      sockets.push(conn.socket);
      conn.socket.write(`${GET}\x00\x01 junk that is no request\r\n\r\n`);
      await eventually(() => conn.closed() || conn.text().includes('retry:'), 'the stream head or the end');
      await eventually(() => conn.closed() || broker.size === 1, 'the stream to settle');
      expect(conn.text().match(/HTTP\/1\.1/g) ?? []).to.have.length.at.most(1);
      expect(conn.text()).not.to.match(/HTTP\/1\.1 4\d\d/);
    });

    it('ignores bytes the client sends once its stream is open, and keeps delivering', async () => {
      const client = await RawSseClient.connect(service.port, STREAM);
      sockets.push(client.socket);
      await client.waitFor((c) => c.retry !== undefined);
      client.socket.write('GARBAGE / HTTP/9.9\r\n\r\nmore junk\r\n');
      client.socket.write(GET);
      const answer = await post(`${service.url}/api/v1/sso/broadcast`, { message: 'still here' });
      expect(answer.status).to.equal(202);
      await client.waitForEvents(1);
      expect(client.events[0]?.data).to.equal('{"message":"still here"}');
      expect(client.raw.toString('latin1').match(/HTTP\/1\.1/g)).to.have.length(1);
      expect(client.closed).to.equal(false);
      expect(broker.size).to.equal(1);
    });

    it('cuts the stream, and writes no JSON into it, when something throws after the head', async () => {
      const failing = {
        execute(input: SubscribeInput): never {
          input.open();
          throw new Error('a bug after the head');
        },
      };
      await service.stop();
      service = await startService({ fanOut }, (c) =>
        c.rebindSync(Subscribe).toConstantValue(failing as unknown as Subscribe),
      );
      const conn = rawConnection(service.port);
      sockets.push(conn.socket);
      conn.socket.write(GET);
      await eventually(() => conn.closed(), 'the stream to be cut');
      expect(conn.text()).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(conn.text()).to.include('retry:');
      expect(conn.text()).not.to.include('"code":500');
      expect(conn.text().match(/HTTP\/1\.1/g)).to.have.length(1);
    });

    it('answers a throw before the head with a JSON 500 instead', async () => {
      const failing = {
        execute(): never {
          throw new Error('a bug before the head');
        },
      };
      await service.stop();
      service = await startService({ fanOut }, (c) =>
        c.rebindSync(Subscribe).toConstantValue(failing as unknown as Subscribe),
      );
      const conn = rawConnection(service.port);
      sockets.push(conn.socket);
      conn.socket.write(GET);
      await eventually(() => conn.text().includes('"code":500'), 'the JSON 500');
      expect(conn.text()).to.match(/^HTTP\/1\.1 500 /);
    });

    it('unsubscribes a client that leaves at once, one that leaves later, and never one refused', async () => {
      const early = rawConnection(service.port);
      early.socket.write(GET);
      await eventually(() => early.text().includes('retry:'), 'the first stream');
      early.socket.destroy();
      const later = await RawSseClient.connect(service.port, STREAM);
      await later.waitFor((c) => c.retry !== undefined);
      await eventually(() => broker.size === 1, 'only the second stream to be left');
      later.close();
      await eventually(() => broker.size === 0, 'no stream to be left');
      const refused = await RawSseClient.connect(service.port, `${STREAM}?topic=bad%20topic`);
      sockets.push(refused.socket);
      await refused.waitFor((c) => c.status !== 0);
      expect(refused.status).to.equal(400);
      expect(broker.size).to.equal(0);
    });
  });
}
