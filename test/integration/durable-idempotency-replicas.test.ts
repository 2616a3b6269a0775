import { expect } from 'chai';
import type { IdempotencyKey } from '../../src/domain/stream-event';
import { ulidEvent } from '../support/amqp-stream-fixture';
import {
  broadcast,
  messages,
  openStream,
  publishMany,
  publishRaw,
  readyStatus,
  summary,
  until,
  untilReady,
} from '../support/durable';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, ReplicaSet } from '../support/replica-set';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

describe('Idempotency-Key across replicas (AMQP_QUEUE=stream, spawned replicas)', function () {
  this.timeout(60_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('durable-idem'));
  // A history of one event: every Last-Event-ID replay below comes from the stream.
  const env = { HISTORY_SIZE: '1' };
  let a: ServiceProcess;
  let b: ServiceProcess;
  let clients: RawSseClient[] = [];
  const lateClients: RawSseClient[] = [];
  /** Every id delivered so far, in order (what every replica's clients get). */
  const delivered: string[] = [];
  let proxy: TcpProxy;
  before(async () => {
    const { host, port } = rabbitMqAddress();
    proxy = await TcpProxy.start(port, host);
    const behindProxy = { ...env, AMQP_URL: rabbitMqUrlVia(proxy.port) };
    [a, b] = await Promise.all([set.spawn('server', env), set.spawn('server', behindProxy)]);
    await Promise.all([untilReady(a.url), untilReady(b.url)]);
    clients = await Promise.all([openStream(a.port), openStream(b.port)]);
  });
  after(async () => {
    proxy.resume();
    await set.stopAll();
    await proxy.close();
    [...clients, ...lateClients].forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  /** Publishes a marker through A and checks that every client got exactly `delivered` and the marker. */
  async function everyClientGotDelivered(): Promise<void> {
    const [marker] = await publishMany(a.url, 1, 'marker');
    delivered.push(marker!);
    await Promise.all(clients.map((c) => until(c, marker!, 'the marker')));
    for (const client of clients) expect(summary(client.events)).to.deep.equal(messages(delivered));
  }

  it('answers a retry on B with the id of the first broadcast on A, and delivers it once', async () => {
    const first = await broadcast(a.url, 'on A', 'retry-1');
    const retry = await broadcast(b.url, 'retried on B', 'retry-1');
    expect(first.status).to.equal(202);
    expect(retry.json).to.deep.equal({ success: true, code: 202, id: first.json.id });
    delivered.push(first.json.id as string);
    await everyClientGotDelivered();
  });

  it('answers concurrent broadcasts with one key on A and B with one id, and delivers one event', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) => broadcast(n % 2 === 0 ? a.url : b.url, `race ${n}`, 'race-1')),
    );
    expect(answers.map((x) => x.status)).to.deep.equal(Array(8).fill(202));
    expect(new Set(answers.map((x) => x.json.id)).size, 'one id').to.equal(1);
    delivered.push(answers[0]!.json.id as string);
    // And a repeat that surely reached the stream: a publisher whose first answer was lost, a moment later.
    const repeat = { ...ulidEvent('a late repeat'), idempotencyKey: 'race-1' as IdempotencyKey };
    await publishRaw(set.exchange, repeat);
    await everyClientGotDelivered();
  });

  it('answers the first id on a replica started later, and replays no repeat from the stream', async () => {
    const c = await set.spawn('server', env);
    await untilReady(c.url);
    for (const [key, n] of [
      ['retry-1', 0],
      ['race-1', 1],
    ] as const) {
      const late = await broadcast(c.url, 'late retry', key);
      expect(late.json, key).to.deep.equal({ success: true, code: 202, id: delivered[2 * n] });
    }
    const replay = await openStream(c.port, '', { 'Last-Event-ID': delivered[0]! });
    const live = await openStream(c.port);
    lateClients.push(replay, live);
    await everyClientGotDelivered();
    await Promise.all([replay, live].map((client) => until(client, delivered.at(-1)!, 'the marker on C')));
    expect(summary(replay.events)).to.deep.equal(messages(delivered.slice(1)));
    expect(summary(live.events)).to.deep.equal(messages(delivered.slice(-1)));
  });

  it('delivers once a keyed broadcast answered 503 for want of a confirm, and answers its retry with its id', async () => {
    // B's bytes to the broker are held: its publish goes out, but no confirm comes back in time.
    proxy.pause();
    const unconfirmed = await broadcast(b.url, 'confirm lost', 'lost-1');
    expect(unconfirmed.status).to.equal(503);
    expect(Number(unconfirmed.headers.get('retry-after'))).to.be.at.least(1);
    proxy.resume();
    await eventually(async () => (await readyStatus(b.url)) === 200, 'B ready');
    const retried = await broadcast(b.url, 'retried', 'lost-1');
    expect(retried.status).to.equal(202);
    const elsewhere = await broadcast(a.url, 'retried on A', 'lost-1');
    expect(elsewhere.json.id).to.equal(retried.json.id);
    delivered.push(retried.json.id as string);
    await everyClientGotDelivered();
    expect(clients[0]!.events.find((e) => e.id === retried.json.id)?.data).to.equal('{"message":"confirm lost"}');
  });
});
