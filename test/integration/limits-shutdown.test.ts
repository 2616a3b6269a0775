import { expect } from 'chai';
import { RawConnection } from '../support/raw-connection';
import { post } from '../support/http';
import { metric } from '../support/metric';
import { RawSseClient } from '../support/raw-sse-client';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { StalledReader } from '../support/stalled-reader';
import { eventually } from '../support/wait';

const STREAMS = 60;
const BODY = '{"message":"after SIGTERM"}';

/** A connection whose next request has begun (its head sent but for the last line): never idle. */
interface Begun {
  readonly connection: RawConnection;
  /** Where the answer to the begun request starts. */
  readonly from: number;
}

/**
 * Sends a whole request and, in the same write, the head of a second one but for its last line, and waits
 * for the first answer: the server has then read the second head too, so its connection is not idle.
 */
async function begun(port: number, head: string): Promise<Begun> {
  const connection = await RawConnection.open(port);
  connection.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n${head}`);
  await eventually(() => connection.statuses.length === 1, 'the answer to the first request');
  return { connection, from: connection.bytesRead };
}

describe('shutdown (SIGTERM to the built service)', function () {
  this.timeout(30_000);
  let proc: ServiceProcess;
  const connections: RawConnection[] = [];
  const clients: RawSseClient[] = [];
  afterEach(async () => {
    connections.splice(0).forEach((c) => c.destroy());
    clients.splice(0).forEach((c) => c.close());
    await proc.stop('SIGKILL');
  });

  it('turns everything new away, closes idle connections at once, ends streams spread out, exits 0', async () => {
    proc = await spawnService({ RETRY_MS: '1000' });
    const port = proc.port;
    const closedAt = new Map<RawSseClient, number>();
    for (let i = 0; i < STREAMS; i += 1) {
      const client = await RawSseClient.connect(port, '/api/v1/sso/stream');
      client.socket.on('close', () => closedAt.set(client, Date.now()));
      clients.push(client);
    }
    await Promise.all(clients.map((c) => c.waitFor((s) => s.retry !== undefined)));

    const idle = await RawConnection.open(port);
    idle.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await eventually(() => idle.statuses.length === 1, 'the keep-alive answer');
    connections.push(idle);
    const host = 'Host: 127.0.0.1\r\n';
    const readyz = await begun(port, `GET /readyz HTTP/1.1\r\n${host}`);
    const broadcast = await begun(
      port,
      `POST /api/v1/sso/broadcast HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: ${BODY.length}\r\n`,
    );
    const eventSource = await begun(port, `GET /api/v1/sso/stream HTTP/1.1\r\n${host}Accept: text/event-stream\r\n`);
    const plain = await begun(port, `GET /api/v1/sso/stream HTTP/1.1\r\n${host}Accept: */*\r\n`);
    const begunOnes = [readyz, broadcast, eventSource, plain];
    connections.push(...begunOnes.map((b) => b.connection));

    const sigterm = Date.now();
    proc.child.kill('SIGTERM');
    // The idle connection closing is the sign the process has begun its shutdown.
    await eventually(() => idle.ended, 'the idle keep-alive connection to be closed', 2_000);
    const idleClosed = idle.endedAt ?? Infinity;
    readyz.connection.write('\r\n');
    broadcast.connection.write(`\r\n${BODY}`);
    eventSource.connection.write('\r\n');
    plain.connection.write('\r\n');
    for (const { connection } of begunOnes) await eventually(() => connection.ended, 'an answer and the end');
    const answer = ({ connection, from }: Begun): { statuses: number[]; text: string } => ({
      statuses: connection.statusesSince(from),
      text: connection.textSince(from),
    });

    expect(answer(readyz).statuses).to.deep.equal([503]);
    expect(readyz.connection.json(readyz.from)).to.include({ success: false, code: 503 });
    expect(answer(broadcast).statuses, 'a broadcast is never acknowledged after SIGTERM').to.deep.equal([503]);
    expect(answer(broadcast).text).to.match(/\r\nRetry-After: \d+\r\n/i);
    expect(answer(broadcast).text).to.match(/\r\nConnection: close\r\n/i);
    expect(broadcast.connection.json(broadcast.from)).to.include({ success: false, code: 503 });
    expect(answer(eventSource).statuses).to.deep.equal([200]);
    expect(answer(eventSource).text).to.match(/\r\nContent-Type: text\/event-stream/i);
    expect(answer(eventSource).text).to.match(/\nevent: unavailable\ndata: \{"reason":"shutdown"\}\n\n/);
    expect(answer(eventSource).text).not.to.match(/\nid:/);
    expect(answer(plain).statuses).to.deep.equal([503]);
    expect(answer(plain).text).to.match(/\r\nRetry-After: \d+\r\n/i);

    const exit = await proc.exited;
    expect(exit).to.deep.equal({ code: 0, signal: null });
    expect(Date.now() - sigterm, 'exit within 10 s').to.be.lessThan(10_000);
    await eventually(() => closedAt.size === STREAMS, 'every stream to be closed');
    const times = [...closedAt.values()].sort((a, b) => a - b);
    const spread = times[times.length - 1]! - times[0]!;
    expect(spread, `streams end spread out, not at one instant (spread ${spread} ms)`).to.be.at.least(1_000);
    expect(idleClosed, 'the idle connection closes before most streams end').to.be.lessThan(times[STREAMS / 2]!);
    for (const client of clients) {
      expect(client.terminated, 'each stream ends with the last chunk').to.equal(true);
      expect(client.body.endsWith('\n\n'), 'no half-written event').to.equal(true);
    }
  });

  it('exits 0 within 10 s although a client takes none of the megabytes queued for it', async () => {
    proc = await spawnService({ MAX_BODY_BYTES: String(2 << 20), CLIENT_BUFFER_BYTES: String(64 << 20) });
    const stalled = await StalledReader.open(proc.port);
    const reader = await RawSseClient.connect(proc.port, '/api/v1/sso/stream');
    clients.push(reader);
    try {
      for (let n = 0; n < 8; n += 1) {
        expect((await post(`${proc.url}/api/v1/sso/broadcast`, { message: 'm'.repeat(1 << 20) })).status).to.equal(202);
      }
      await eventually(
        async () => (await metric(proc.url, 'sse_clients_behind')) === 1,
        'the stalled client to be behind',
      );
      await reader.waitForEvents(8);
      const sigterm = Date.now();
      const exit = await proc.stop('SIGTERM');
      expect(exit).to.deep.equal({ code: 0, signal: null });
      expect(Date.now() - sigterm, 'exit within 10 s').to.be.lessThan(10_000);
      expect(reader.terminated, 'the client that reads gets its stream ended cleanly').to.equal(true);
    } finally {
      stalled.close();
    }
  });
});
