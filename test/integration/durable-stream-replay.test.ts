import { expect } from 'chai';
import { ulid } from 'ulid';
import { IDEMPOTENCY_WINDOW_MS } from '../../src/domain/idempotency';
import { AmqpEventBus } from '../../src/infrastructure/bus/amqp-event-bus';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { TOKENS } from '../../src/tokens';
import {
  broadcast,
  busConfig,
  deleteTopology,
  messages,
  openStream,
  publishMany,
  summary,
  until,
  untilReady,
} from '../support/durable';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, ReplicaSet } from '../support/replica-set';
import { RABBITMQ_URL, requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';

const HISTORY = 5;
const resetFor = (id: string): string => `reset {"reason":"history-gap","lastEventId":"${id}"}`;

describe('Last-Event-ID older than the history, served from the stream (spawned replica)', function () {
  this.timeout(60_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('durable-replay'));
  const clients: RawSseClient[] = [];
  let replica: ServiceProcess;
  let ids: string[];
  before(async () => {
    replica = await set.spawn('server', { HISTORY_SIZE: String(HISTORY) });
    await untilReady(replica.url);
    ids = await publishMany(replica.url, 50, 'event');
  });
  after(async () => {
    await set.stopAll();
    clients.forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  const open = async (lastEventId: string): Promise<RawSseClient> => {
    const client = await openStream(replica.port, '', { 'Last-Event-ID': lastEventId });
    clients.push(client);
    return client;
  };

  it('sends events 4..50 after the id of event 3, in order, without reset or duplicate, then live ones', async () => {
    const client = await open(ids[2]!);
    await until(client, ids[49]!, 'the replay');
    const live = await publishMany(replica.url, 2, 'live');
    ids.push(...live);
    await until(client, live[1]!, 'the live events');
    expect(summary(client.events)).to.deep.equal(messages(ids.slice(3)));
  });

  for (const [what, id] of [
    ['an unknown id', ulid()],
    ['an id from before the stream began', ulid(Date.now() - 2 * 86_400_000)],
    ['an id that is no ULID', 'no-such-event'],
  ] as const) {
    it(`answers ${what} with a history-gap reset, then the history, then live events`, async () => {
      const client = await open(id);
      const history = ids.slice(-HISTORY);
      // Nothing is published until the history is in: the fallback takes the history as it is when the
      // stream says the id is not there, so what it holds then is what the client gets.
      await client.waitFor((c) => c.events.length >= 1 + HISTORY, 10_000, 'the reset and the history');
      const [marker] = await publishMany(replica.url, 1, 'marker');
      ids.push(marker!);
      await until(client, marker!, 'the marker');
      expect(summary(client.events)).to.deep.equal([resetFor(id), ...messages([...history, marker!])]);
    });
  }
});

describe('replays from the stream past the bound of reads at once (in-process, stream mode)', function () {
  this.timeout(90_000);
  requireRabbitMq();

  let exchange: string;
  let service: RunningService;
  let bus: AmqpEventBus | undefined;
  const clients: RawSseClient[] = [];
  beforeEach(async () => {
    exchange = freshExchange('durable-busy');
    const config = { ...busConfig('stream', exchange), historySize: HISTORY };
    service = await startService(config, (c) =>
      c.rebindSync(TOKENS.EventBus).toDynamicValue(
        (ctx) =>
          (bus = new AmqpEventBus(
            {
              url: RABBITMQ_URL,
              exchange,
              maxMessageBytes: 1_048_576,
              // One read at a time: the seam for the bound (16 by default, no variable).
              stream: {
                name: `${exchange}.stream`,
                maxAgeSeconds: 3_600,
                maxBytes: 100_000_000,
                historySize: HISTORY,
                historyWindowMs: IDEMPOTENCY_WINDOW_MS,
                replay: { maxReads: 1 },
              },
            },
            ctx.get(TOKENS.Logger),
            ctx.get(Metrics),
          )),
      ),
    );
    await untilReady(service.url);
  });
  afterEach(async () => {
    clients.forEach((c) => c.close());
    await service.stop();
    await deleteTopology(exchange);
  });

  const reading = (): number => bus?.replay?.reading ?? -1;

  it('turns a replay away as busy while the bound is reached, and serves it once a read has ended', async () => {
    // Large events, so that a client that does not read holds its replay open (the socket buffers fill).
    const big = 'x'.repeat(60_000);
    const ids: string[] = [];
    for (let n = 0; n < 200; n += 1) {
      const answer = await broadcast(service.url, { n, big });
      expect(answer.status).to.equal(202);
      ids.push(answer.json.id as string);
    }
    const holder = await RawSseClient.connect(service.port, '/api/v1/sso/stream', { 'Last-Event-ID': ids[0]! });
    holder.socket.pause();
    clients.push(holder);
    await eventually(() => reading() === 1, 'the first replay reading');

    const turned = await RawSseClient.connect(service.port, '/api/v1/sso/stream', { 'Last-Event-ID': ids[1]! });
    clients.push(turned);
    await turned.waitFor((c) => c.closed, 5_000, 'the turn-away to end');
    expect(turned.status).to.equal(200);
    expect(summary(turned.events)).to.deep.equal(['unavailable {"reason":"busy"}']);
    expect(turned.retry).to.be.within(1, 3 * 3_000);
    const plain = await fetch(`${service.url}/api/v1/sso/stream`, { headers: { 'Last-Event-ID': ids[1]! } });
    expect(plain.status).to.equal(503);
    expect(Number(plain.headers.get('retry-after'))).to.be.at.least(1);
    await plain.body?.cancel();

    holder.socket.resume();
    await until(holder, ids[199]!, 'the held replay', 30_000);
    await eventually(() => reading() === 0, 'the read to end');
    const served = await openStream(service.port, '', { 'Last-Event-ID': ids[190]! });
    clients.push(served);
    await until(served, ids[199]!, 'the replay after the bound freed');
    expect(summary(served.events)).to.deep.equal(messages(ids.slice(191)));
    expect(summary(holder.events)).to.deep.equal(messages(ids.slice(1)));
  });
});
