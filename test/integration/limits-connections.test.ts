import { expect } from 'chai';
import { HttpServer, REQUEST_DEADLINE_MS } from '../../src/interfaces/http/http-server';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawConnection } from '../support/raw-connection';
import { RawSseClient } from '../support/raw-sse-client';
import { eventually } from '../support/wait';
import { TOKENS } from '../../src/tokens';

const BROADCAST = '/api/v1/sso/broadcast';
const STREAM = '/api/v1/sso/stream';
const TOKEN = 'a-publish-token-of-24ch';
/** The deadline the tests give the server; Node checks it once per this long too, so it holds within twice. */
const DEADLINE_MS = 500;

/** Headers of a broadcast that announces `length` bytes of body (the test sends what it likes of them). */
const postHead = (port: number, headers: Record<string, string>, length?: number): string => {
  const all = { Host: `127.0.0.1:${port}`, ...headers };
  const framing = length === undefined ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`;
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`);
  return `POST ${BROADCAST} HTTP/1.1\r\n${lines.join('')}${framing}\r\n`;
};

describe('request deadlines (the service with its request deadline shortened)', () => {
  let service: RunningService;
  const open: RawConnection[] = [];
  before(async () => {
    service = await startService({}, (c) => c.rebindSync(TOKENS.RequestDeadlineMs).toConstantValue(DEADLINE_MS));
  });
  afterEach(() => open.splice(0).forEach((c) => c.destroy()));
  after(() => service.stop());

  const connect = async (): Promise<RawConnection> => {
    const connection = await RawConnection.open(service.port);
    open.push(connection);
    return connection;
  };

  /** Ended by the server, with a 408 or with nothing at all, and never any other answer. */
  const expectTimedOut = async (connection: RawConnection, what: string): Promise<void> => {
    await eventually(() => connection.ended, `${what} to be cut at the deadline`, 10 * DEADLINE_MS);
    expect(connection.statuses, what).to.satisfy((s: number[]) => s.length === 0 || (s.length === 1 && s[0] === 408));
  };

  it('answers 408, or closes, requests whose headers never finish (stream, broadcast, health)', async () => {
    const stream = await connect();
    stream.write(`GET ${STREAM} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n`);
    const broadcast = await connect();
    broadcast.write(`POST ${BROADCAST} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl`);
    const health = await connect();
    health.write('GET /healthz HTTP/1.1\r\n');
    const silent = await connect();
    await expectTimedOut(stream, 'the stream request');
    await expectTimedOut(broadcast, 'the broadcast request');
    await expectTimedOut(health, 'the health request');
    // A connection that never sends a byte is closed too (Node closes it as idle or at the deadline).
    await eventually(() => silent.ended, 'a silent connection to be closed', 10 * DEADLINE_MS + 5_000);
  });

  it('answers 408 to a body that never finishes, and to one that trickles past the deadline', async () => {
    const stalled = await connect();
    stalled.write(postHead(service.port, { 'Content-Type': 'application/json' }, 100) + '{"message":');
    const trickling = await connect();
    trickling.write(postHead(service.port, { 'Content-Type': 'application/json' }, 10_000) + '{"message":"');
    const timer = setInterval(() => trickling.write('x'), DEADLINE_MS / 10);
    try {
      await expectTimedOut(stalled, 'the stalled body');
      await expectTimedOut(trickling, 'the trickling body');
      expect(stalled.statuses).to.deep.equal([408]);
      expect(trickling.statuses).to.deep.equal([408]);
    } finally {
      clearInterval(timer);
    }
  });

  it('keeps serving others while connections sit at the deadline', async () => {
    const stuck = await Promise.all([0, 1, 2, 3].map(() => connect()));
    stuck.forEach((c) => c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
    const answer = await post(`${service.url}${BROADCAST}`, { message: 'still served' });
    expect(answer.status).to.equal(202);
    for (const connection of stuck) await expectTimedOut(connection, 'a stuck request');
  });
});

describe('HttpServer', () => {
  it('holds requests to the 15 s deadline of SPEC.md unless told otherwise', async () => {
    const service = await startService();
    try {
      expect(REQUEST_DEADLINE_MS).to.equal(15_000);
      expect(service.container.get(HttpServer).requestDeadlineMs).to.equal(15_000);
    } finally {
      await service.stop();
    }
  });
});

describe('early answers to a broadcast close the connection without reading the body', () => {
  let open: RawConnection[] = [];
  afterEach(() => {
    open.forEach((c) => c.destroy());
    open = [];
  });

  /**
   * Sends the head announcing 8 MiB and the first 1 KiB of body, then nothing: the answer must come, and
   * the connection end, although the body is far from complete (15 s before the deadline would cut it).
   */
  async function sendHalf(port: number, headers: Record<string, string>, length = 8 << 20): Promise<RawConnection> {
    const connection = await RawConnection.open(port);
    open.push(connection);
    connection.write(postHead(port, headers, length) + `{"message":"${'x'.repeat(1_000)}`);
    await eventually(() => connection.ended, 'the server to end the connection', 5_000);
    expect(connection.written, 'the client sent only part of its body').to.be.lessThan(length);
    return connection;
  }

  const expectAnswer = (connection: RawConnection, status: number): void => {
    expect(connection.statuses).to.deep.equal([status]);
    expect(connection.text).to.match(/\r\nConnection: close\r\n/i);
    expect(connection.json()).to.include({ success: false, code: status });
  };

  describe('with PUBLISH_TOKEN', () => {
    let service: RunningService;
    before(async () => (service = await startService({ publishToken: TOKEN })));
    after(() => service.stop());

    it('401 for a missing or wrong token', async () => {
      expectAnswer(await sendHalf(service.port, { 'Content-Type': 'application/json' }), 401);
      const wrong = { 'Content-Type': 'application/json', Authorization: 'Bearer not-the-token-at-all' };
      expectAnswer(await sendHalf(service.port, wrong), 401);
    });

    it('415 for a body that is not JSON, 413 for one declared over MAX_BODY_BYTES', async () => {
      const auth = { Authorization: `Bearer ${TOKEN}` };
      expectAnswer(await sendHalf(service.port, { ...auth, 'Content-Type': 'text/plain' }), 415);
      expectAnswer(await sendHalf(service.port, { ...auth, 'Content-Type': 'application/json' }), 413);
    });
  });

  describe('without PUBLISH_TOKEN', () => {
    let service: RunningService;
    before(async () => (service = await startService({ maxBodyBytes: 4096 })));
    after(() => service.stop());

    it('403 for a loopback request that came through a proxy', async () => {
      const json = { 'Content-Type': 'application/json' };
      expectAnswer(await sendHalf(service.port, { ...json, 'X-Forwarded-For': '203.0.113.9' }), 403);
    });

    it('413 for a chunked body that runs past MAX_BODY_BYTES, while the client keeps sending', async () => {
      const connection = await RawConnection.open(service.port);
      open.push(connection);
      connection.write(postHead(service.port, { 'Content-Type': 'application/json' }));
      const piece = `${(16 * 1024).toString(16)}\r\n${'y'.repeat(16 * 1024)}\r\n`;
      // Pump far more than the limit: the server must answer and hang up rather than read it all.
      const limit = 64 << 20;
      while (!connection.ended && connection.written < limit) {
        if (!connection.write(piece)) break;
        if (connection.socket.writableNeedDrain) await connection.drainedOrGone();
      }
      await eventually(() => connection.ended, 'the server to end the connection', 5_000);
      expect(connection.written).to.be.lessThan(limit);
      expectAnswer(connection, 413);
    });
  });
});

describe('malformed requests', () => {
  let service: RunningService;
  let watcher: RawSseClient;
  const open: RawConnection[] = [];
  before(async () => {
    service = await startService();
    watcher = await RawSseClient.connect(service.port, STREAM);
    await watcher.waitFor((c) => c.retry !== undefined);
  });
  afterEach(() => open.splice(0).forEach((c) => c.destroy()));
  after(async () => {
    watcher.close();
    await service.stop();
  });

  const cases: [string, string, number][] = [
    ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 431],
    ['a URL over 16 KiB', `GET ${STREAM}?topic=${'t'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    [
      'both Content-Length and chunked (smuggling)',
      `POST ${BROADCAST} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
    ],
    [
      'a chunk size that is not hex',
      `POST ${BROADCAST} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
      400,
    ],
    ['a header name with a space', `GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n`, 400],
    ['a request line that is not HTTP', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 400],
  ];
  for (const [what, request, status] of cases) {
    it(`answers ${what} with ${status} and closes, publishing nothing`, async () => {
      const connection = await RawConnection.open(service.port);
      open.push(connection);
      connection.write(Buffer.from(request, 'latin1'));
      await eventually(() => connection.ended, 'the connection to be closed');
      expect(connection.statuses).to.deep.equal([status]);
      const marker = await post(`${service.url}${BROADCAST}`, { message: 'marker' });
      await watcher.waitFor((c) => c.events.some((e) => e.id === marker.json.id));
      expect(watcher.events.map((e) => e.data)).to.satisfy((d: string[]) =>
        d.every((x) => x === '{"message":"marker"}'),
      );
    });
  }
});

describe('stream topic limit', () => {
  let service: RunningService;
  before(async () => (service = await startService()));
  after(() => service.stop());

  const query = (n: number): string => Array.from({ length: n }, (_, i) => `topic=t${i}`).join('&');

  it('opens a stream on 64 topics and refuses 65 with a JSON 400', async () => {
    const ok = await RawSseClient.connect(service.port, `${STREAM}?${query(64)}`);
    try {
      await ok.waitFor((c) => c.retry !== undefined);
      expect(ok.status).to.equal(200);
    } finally {
      ok.close();
    }
    const response = await fetch(`${service.url}${STREAM}?${query(65)}`, { headers: { Accept: 'text/event-stream' } });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.include({ success: false, code: 400 });
  });

  it('refuses an invalid topic even beside `*` (which would otherwise match everything)', async () => {
    for (const topics of ['topic=*&topic=**', 'topic=**&topic=*', 'topic=*&topic=a%20b', 'topic=*&topic=']) {
      const response = await fetch(`${service.url}${STREAM}?${topics}`, { headers: { Accept: 'text/event-stream' } });
      expect(response.status, topics).to.equal(400);
      expect(await response.json()).to.include({ success: false, code: 400 });
    }
  });
});
