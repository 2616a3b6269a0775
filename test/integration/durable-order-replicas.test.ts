import { expect } from 'chai';
import { openStream, publishMany, summary, until, untilReady } from '../support/durable';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, ReplicaSet } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';

const PUBLISHERS_PER_REPLICA = 3;
const EACH = 20;

describe('one order on every replica (AMQP_QUEUE=stream, spawned replicas)', function () {
  this.timeout(60_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('durable-order'));
  let replicas: ServiceProcess[] = [];
  let clients: RawSseClient[] = [];
  before(async () => {
    replicas = await Promise.all([set.spawn('server'), set.spawn('server')]);
    await Promise.all(replicas.map((r) => untilReady(r.url)));
    clients = await Promise.all(replicas.flatMap((r) => [openStream(r.port), openStream(r.port)]));
  });
  after(async () => {
    await set.stopAll();
    clients.forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  it('gives every client of both replicas the same events in the same order, under concurrent publishers on both', async () => {
    // Publishers on both replicas at once: their events interleave on the exchange in an order no one chose.
    const published = await Promise.all(
      replicas.flatMap((replica, r) =>
        Array.from({ length: PUBLISHERS_PER_REPLICA }, (_, p) => publishMany(replica.url, EACH, `r${r}p${p}`)),
      ),
    );
    const [marker] = await publishMany(replicas[0]!.url, 1, 'marker');
    await Promise.all(clients.map((c) => until(c, marker!, 'the marker')));

    const orders = clients.map((c) => summary(c.events).filter((line) => line.startsWith('message:')));
    const reference = orders[0]!;
    expect(reference).to.have.length(2 * PUBLISHERS_PER_REPLICA * EACH + 1);
    expect(new Set(reference).size, 'no event twice').to.equal(reference.length);
    expect(new Set(reference)).to.deep.equal(new Set([...published.flat(), marker!].map((id) => `message:${id}`)));
    for (const [n, order] of orders.entries()) expect(order, `client ${n}`).to.deep.equal(reference);
    // Each publisher's own events keep the order it published them in.
    for (const ids of published) {
      const positions = ids.map((id) => reference.indexOf(`message:${id}`));
      expect(positions, 'one publisher, in order').to.deep.equal([...positions].sort((x, y) => x - y));
    }
  });
});
