import { expect } from 'chai';
import { RecordingEventSource, type Received } from '../support/event-source-client';
import { post } from '../support/http';
import { freshExchange, ReplicaSet, untilReady } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';

const K = 5;
const STREAM = '/api/v1/sso/stream';

type Rate = { asset_id_base: string; asset_id_quote: string; rate: number; source: string };
const rateOf = (r: Received): Rate | undefined => {
  const data = JSON.parse(r.data) as Partial<Rate>;
  return 'rate' in data ? (data as Rate) : undefined;
};

describe('replicas: two ROLE=server processes and one ROLE=fetcher on RabbitMQ', function () {
  this.timeout(30_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('fanout'));
  let replicas: ServiceProcess[] = [];
  /** K real EventSource clients per replica, opened before any test publishes. */
  let clients: RecordingEventSource[][] = [];
  const everyClient = (): RecordingEventSource[] => clients.flat();

  before(async () => {
    await set.spawn('fetcher', { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '200' });
    replicas = await Promise.all([set.spawn('server'), set.spawn('server')]);
    await Promise.all(replicas.map((replica) => untilReady(replica.url)));
    clients = replicas.map((r) => Array.from({ length: K }, () => new RecordingEventSource(`${r.url}${STREAM}`)));
    await Promise.all(everyClient().map((c) => c.waitOpen()));
  });
  // Processes first: a stream the server ends closes at once, one the client aborts lingers in fetch's pool.
  after(async () => {
    await set.stopAll();
    everyClient().forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  it('delivers a broadcast POSTed to replica 1 exactly once to every client of both replicas, with one id', async () => {
    const answer = await post(`${replicas[0]!.url}/api/v1/sso/broadcast`, { message: 'to all replicas' });
    expect(answer.status).to.equal(202);
    const id = answer.json.id as string;
    // A fence from the same publisher: RabbitMQ keeps one channel's messages in order on every queue,
    // so once the fence is in, a duplicate of the first broadcast would be in too.
    const fence = await post(`${replicas[0]!.url}/api/v1/sso/broadcast`, { message: 'fence' });
    expect(fence.status).to.equal(202);
    await Promise.all(everyClient().map((c) => c.waitFor((r) => r.some((m) => m.lastEventId === fence.json.id))));

    for (const [n, client] of everyClient().entries()) {
      const copies = client.received.filter((m) => m.data === '{"message":"to all replicas"}');
      expect(copies, `client ${n}`).to.deep.equal([
        { type: 'message', data: '{"message":"to all replicas"}', lastEventId: id },
      ]);
    }
  });

  it('delivers a broadcast POSTed to replica 2 to the clients of replica 1 too', async () => {
    const answer = await post(`${replicas[1]!.url}/api/v1/sso/broadcast`, { message: 'from replica 2' });
    expect(answer.status).to.equal(202);
    await Promise.all(
      everyClient().map((c) =>
        c.waitFor((r) => r.some((m) => m.lastEventId === answer.json.id && m.data.includes('from replica 2'))),
      ),
    );
  });

  it("delivers the fetcher's rates to both replicas with identical ids and data, once each", async () => {
    const rateIds = (c: RecordingEventSource): string[] =>
      c.received.filter((r) => rateOf(r) !== undefined).map((r) => r.lastEventId);
    // Rates that every client has had time to see: the fourth from now on the first client of replica 1.
    const seen = rateIds(clients[0]![0]!).length;
    await clients[0]![0]!.waitFor(() => rateIds(clients[0]![0]!).length >= seen + 4);
    const sample = rateIds(clients[0]![0]!).slice(seen, seen + 4);
    await Promise.all(everyClient().map((c) => c.waitFor(() => sample.every((id) => rateIds(c).includes(id)))));

    const reference = clients[0]![0]!.received.filter((r) => sample.includes(r.lastEventId));
    expect(reference.map(rateOf).map((r) => r?.source)).to.deep.equal(Array(4).fill('simulated'));
    for (const [n, client] of everyClient().entries()) {
      expect(
        client.received.filter((r) => sample.includes(r.lastEventId)),
        `client ${n}`,
      ).to.deep.equal(reference);
      const ids = rateIds(client);
      expect(new Set(ids).size, `client ${n}: no rate twice`).to.equal(ids.length);
    }
  });
});
