import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { RecordingEventSource } from '../support/event-source-client';
import { post } from '../support/http';
import { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, metricValue, readyz, ReplicaSet, untilReady } from '../support/replica-set';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

const STREAM = '/api/v1/sso/stream';
const isRate = (data: string): boolean => data.includes('"asset_id_base"');

describe('replicas across a RabbitMQ outage (a TCP proxy per process)', function () {
  this.timeout(40_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('outage'));
  const proxies: TcpProxy[] = [];
  let fetcher: ServiceProcess;
  let replicas: ServiceProcess[] = [];
  const raws: RawSseClient[] = [];
  const sources: RecordingEventSource[] = [];

  /** One process whose only way to the broker is its own proxy. */
  async function spawnBehindProxy(role: 'server' | 'fetcher', env: Record<string, string> = {}) {
    const { host, port } = rabbitMqAddress();
    const proxy = await TcpProxy.start(port, host);
    proxies.push(proxy);
    return set.spawn(role, { AMQP_URL: rabbitMqUrlVia(proxy.port), HEARTBEAT_MS: '200', ...env });
  }

  before(async () => {
    fetcher = await spawnBehindProxy('fetcher', { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '200' });
    replicas = await Promise.all([spawnBehindProxy('server'), spawnBehindProxy('server')]);
    await Promise.all([fetcher, ...replicas].map((proc) => untilReady(proc.url)));
    for (const replica of replicas) {
      raws.push(await RawSseClient.connect(replica.port, STREAM));
      sources.push(new RecordingEventSource(`${replica.url}${STREAM}`));
    }
    await Promise.all(raws.map((c) => c.waitFor((r) => r.events.some((e) => isRate(e.data)), 5_000, 'a rate')));
    await Promise.all(sources.map((s) => s.waitOpen()));
  });
  // Processes first: a stream the server ends closes at once, one the client aborts lingers in fetch's pool.
  after(async () => {
    proxies.forEach((p) => p.restore());
    await set.stopAll();
    raws.forEach((c) => c.close());
    sources.forEach((s) => s.close());
    await Promise.all(proxies.map((p) => p.close()));
  });

  it('keeps streams open, answers 503 while cut, then recovers and delivers to both replicas', async () => {
    const processes = [fetcher, ...replicas];
    proxies.forEach((p) => p.cut());

    // Cut: every process says why it is not ready, and broadcasts are refused with a Retry-After.
    await Promise.all(
      processes.map((proc) => eventually(async () => (await readyz(proc.url)).status === 503, `${proc.url} unready`)),
    );
    for (const proc of processes) {
      expect((await readyz(proc.url)).json.message).to.match(/RabbitMQ/);
    }
    for (const replica of replicas) {
      const refused = await post(`${replica.url}/api/v1/sso/broadcast`, { message: 'during the outage' });
      expect(refused.status).to.equal(503);
      expect(refused.json).to.include({ success: false, code: 503 });
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 30);
    }
    // Streams stay open: the same connections keep getting heartbeats while the broker is away.
    const beats = raws.map((c) => c.comments.length);
    await Promise.all(raws.map((c, n) => c.waitFor((r) => r.comments.length >= beats[n]! + 3, 5_000, 'heartbeats')));
    // A stream opened during the outage is accepted too, and gets events once the broker is back.
    const late = await RawSseClient.connect(replicas[0]!.port, STREAM);
    raws.push(late);
    await late.waitFor((c) => c.retry !== undefined, 5_000, 'the retry line during the outage');
    const lastRateBeforeRestore = raws.map((c) => c.events.filter((e) => isRate(e.data)).at(-1)?.id ?? '');

    // Restore: measure until each process is ready again.
    const restoredAt = performance.now();
    proxies.forEach((p) => p.restore());
    const readyAfter = await Promise.all(
      processes.map(async (proc) => {
        await eventually(async () => (await readyz(proc.url)).status === 200, `${proc.url} ready again`, 15_000);
        return performance.now() - restoredAt;
      }),
    );

    const answer = await post(`${replicas[1]!.url}/api/v1/sso/broadcast`, { message: 'after the outage' });
    expect(answer.status).to.equal(202);
    await Promise.all(
      raws.map((c) =>
        c.waitFor((r) => r.events.some((e) => e.id === answer.json.id), 5_000, 'the broadcast after the outage'),
      ),
    );
    await Promise.all(
      sources.map((s) => s.waitFor((r) => r.some((m) => m.lastEventId === answer.json.id && m.data.includes('after')))),
    );
    const newRate = (c: RawSseClient, n: number): boolean =>
      c.events.some((e) => isRate(e.data) && e.id! > lastRateBeforeRestore[n]!);
    await Promise.all(raws.map((c, n) => c.waitFor((r) => newRate(r, n), 5_000, 'a new rate')));
    const flowingAfter = performance.now() - restoredAt;

    for (const [n, client] of raws.entries()) {
      expect(client.closed || client.terminated, `stream ${n} ended`).to.equal(false);
      const during = client.events.filter((e) => e.data.includes('during the outage'));
      expect(during, 'nothing refused was delivered').to.deep.equal([]);
    }
    for (const source of sources) expect(source.opened, 'EventSource reconnects').to.equal(1);
    for (const proc of processes) expect(await metricValue(proc.url, 'sse_bus_reconnects_total')).to.equal(1);
    expect(set.unexpectedExits()).to.deep.equal([]);

    const attempts = processes.map((p) => /"attempts":(\d+)[^\n]*reconnected to RabbitMQ/.exec(p.output())?.[1]);
    process.stdout.write(
      `      (restore → /readyz 200: fetcher ${readyAfter[0]!.toFixed(0)} ms, ` +
        `servers ${readyAfter[1]!.toFixed(0)} / ${readyAfter[2]!.toFixed(0)} ms; ` +
        `events flowing on both replicas after ${flowingAfter.toFixed(0)} ms; connect attempts ${attempts.join('/')})\n`,
    );
  });
});
