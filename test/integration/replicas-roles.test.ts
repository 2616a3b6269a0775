import { expect } from 'chai';
import { ExchangeTap } from '../support/exchange-tap';
import { post } from '../support/http';
import { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, readyz, ReplicaSet } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';
import { RABBITMQ_URL } from '../support/require-rabbitmq';
import amqp from 'amqplib';

/** The stream queue as the broker reports it (a passive declare): throws when it does not exist. */
async function streamQueue(name: string): Promise<{ consumerCount: number; messageCount: number }> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    return await channel.checkQueue(name);
  } finally {
    await connection.close();
  }
}

const STREAM = '/api/v1/sso/stream';
const isRate = (body: Record<string, unknown>): boolean => String(body.topic).startsWith('rates.');

describe('ROLE with AMQP_URL (built processes)', function () {
  this.timeout(20_000);
  requireRabbitMq();

  let set: ReplicaSet;
  let tap: ExchangeTap | undefined;
  beforeEach(() => (set = new ReplicaSet(freshExchange('roles'))));
  afterEach(async () => {
    await tap?.close();
    tap = undefined;
    expect(set.unexpectedExits()).to.deep.equal([]);
    await set.stopAll();
  });

  it('fetcher: serves only /healthz, /readyz and /metrics, consumes no queue, publishes rates to the exchange', async () => {
    const fetcher = await set.spawn('fetcher', {
      RATE_SOURCE: 'simulated',
      RATE_INTERVAL_MS: '200',
      AMQP_QUEUE: 'exclusive',
    });
    await eventually(async () => (await readyz(fetcher.url)).status === 200, 'the fetcher to be ready');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${fetcher.url}${path}`)).status, path).to.equal(200);
    }
    for (const path of [STREAM, '/', '/index.html'])
      expect((await fetch(`${fetcher.url}${path}`)).status, path).to.equal(404);
    const broadcast = await post(`${fetcher.url}/api/v1/sso/broadcast`, { message: 'nobody listens' });
    expect(broadcast.status).to.equal(404);

    tap = await ExchangeTap.open(set.exchange);
    expect(await tap.bindsAnyQueue(), 'a queue bound by the fetcher').to.equal(false);
    await tap.listen();
    await eventually(() => new Set(tap!.bodies.filter(isRate).map((b) => b.topic)).size === 2, 'rates of both pairs');
    const message = tap.messages[0]!;
    expect(message.properties).to.include({ contentType: 'application/json' });
    expect(message.properties.messageId).to.equal(tap.bodies[0]!.id);
    expect(tap.bodies[0]!.data).to.include({ source: 'simulated', asset_id_quote: 'USD' });
  });

  it('fetcher in stream mode: declares and binds the stream, so its confirmed rates are in it, and consumes nothing', async () => {
    const fetcher = await set.spawn('fetcher', { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '200' });
    await eventually(async () => (await readyz(fetcher.url)).status === 200, 'the fetcher to be ready');
    const stream = await streamQueue(`${set.exchange}.stream`);
    expect(stream.consumerCount).to.equal(0);
    await eventually(async () => (await streamQueue(`${set.exchange}.stream`)).messageCount >= 0, 'the stream');
  });

  it('server: binds its own queue and publishes broadcasts but no rates, even with RATE_SOURCE set', async () => {
    tap = await ExchangeTap.open(set.exchange);
    await tap.listen();
    const server = await set.spawn('server', {
      RATE_SOURCE: 'simulated',
      RATE_INTERVAL_MS: '100',
      AMQP_QUEUE: 'exclusive',
    });
    expect((await readyz(server.url)).status).to.equal(200);
    // A rate source ticks at once when started (before "listening"), on the same confirm channel that
    // carries the broadcast: had the server one, its first rates would reach the tap before this.
    const answer = await post(`${server.url}/api/v1/sso/broadcast`, { message: 'fence' });
    expect(answer.status).to.equal(202);
    await eventually(() => tap!.bodies.some((b) => b.id === answer.json.id), 'the broadcast on the exchange');
    expect(tap.bodies.filter(isRate)).to.deep.equal([]);
    expect(await tap.bindsAnyQueue(), 'queues bound (the tap and the server)').to.equal(true);
  });

  it('all: fetches rates and serves them, through the exchange, on the same process', async () => {
    tap = await ExchangeTap.open(set.exchange);
    await tap.listen();
    const all = await set.spawn('all', { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '100' });
    const client = await RawSseClient.connect(all.port, STREAM);
    try {
      await client.waitFor((c) => c.events.length >= 2, 5_000, 'two rates');
      const ids = client.events.map((e) => e.id);
      await eventually(() => ids.every((id) => tap!.bodies.some((b) => b.id === id)), 'the same rates on the exchange');
      expect((await readyz(all.url)).status).to.equal(200);
    } finally {
      client.close();
    }
  });
});
