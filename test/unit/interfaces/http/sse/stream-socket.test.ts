import { expect } from 'chai';
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { adoptStreamSocket, isStreamSocket } from '../../../../../src/interfaces/http/sse/stream-socket';
import { eventually } from '../../../../support/wait';

interface Handshake {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  gone: number;
}

describe('adoptStreamSocket', () => {
  let server: http.Server;
  let handshakes: Handshake[];
  let clientErrors: number;
  let client: net.Socket;

  beforeEach(async () => {
    handshakes = [];
    clientErrors = 0;
    server = http.createServer((req, res) => {
      const handshake: Handshake = { req, res, gone: 0 };
      handshakes.push(handshake);
      req.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
      adoptStreamSocket(req, res, () => (handshake.gone += 1));
    });
    server.on('clientError', () => (clientErrors += 1));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(() => handshakes.length === 1, 'the request');
  });

  afterEach(() => {
    client.destroy();
    server.closeAllConnections();
    server.close();
  });

  it('takes the socket from the HTTP server as an upgrade does: parser, request and response let go', async () => {
    const { req, res } = handshakes[0]!;
    const socket = req.socket as net.Socket & { parser?: unknown };
    expect(isStreamSocket(socket)).to.equal(true);
    await eventually(() => socket.parser === null, 'the parser to be freed');
    expect(res.socket).to.equal(null);
    expect((socket as unknown as { _httpMessage: unknown })._httpMessage).to.equal(null);
    for (const event of ['data', 'end', 'close', 'error'] as const) {
      expect(socket.listenerCount(event), event).to.equal(1); // its own listener only
    }
  });

  it('reads and drops what the client sends: no request, no clientError, no answer', async () => {
    const socket = handshakes[0]!.req.socket as net.Socket & { parser?: unknown };
    await eventually(() => socket.parser === null, 'the takeover');
    let answered = '';
    client.on('data', (b: Buffer) => (answered += b.toString('latin1')));
    client.write('GET /again HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01junk\r\n\r\n');
    await eventually(() => socket.bytesRead > 60, 'the bytes to be read');
    expect(handshakes).to.have.length(1);
    expect(clientErrors).to.equal(0);
    expect(answered).not.to.include('HTTP/1.1 4');
  });

  it('calls gone once when the client goes, before or after the takeover', async () => {
    client.destroy();
    await eventually(() => handshakes[0]!.gone === 1, 'gone');
    const early = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    early.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(() => handshakes.length === 2, 'the second request');
    early.destroy(); // most likely before the takeover's turn of the event loop
    await eventually(() => handshakes[1]!.gone === 1, 'gone for the second');
    expect(handshakes.map((h) => h.gone)).to.deep.equal([1, 1]);
  });

  it('ends the socket when the client half-closes it (nothing could read the stream any more)', async () => {
    const socket = handshakes[0]!.req.socket;
    await eventually(() => (socket as net.Socket & { parser?: unknown }).parser === null, 'the takeover');
    client.end();
    await eventually(() => socket.destroyed, 'the socket to be destroyed');
    await eventually(() => handshakes[0]!.gone === 1, 'gone');
  });
});
