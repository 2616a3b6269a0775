import { expect } from 'chai';
import type { IdempotencyKey } from '../../src/domain/stream-event';
import { ulidEvent } from '../support/amqp-stream-fixture';
import {
  broadcast,
  messages,
  openStream,
  publishMany,
  publishRaw,
  summary,
  until,
  untilReady,
} from '../support/durable';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, ReplicaSet } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';

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
  before(async () => {
    [a, b] = await Promise.all([set.spawn('server', env), set.spawn('server', env)]);
    await Promise.all([untilReady(a.url), untilReady(b.url)]);
    clients = await Promise.all([openStream(a.port), openStream(b.port)]);
  });
  after(async () => {
    await set.stopAll();
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
});
