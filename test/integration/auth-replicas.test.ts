import { expect } from 'chai';
import { RecordingEventSource } from '../support/event-source-client';
import { HS_SECRET, hsToken, publishAs, publisherClaims, readerClaims } from '../support/hub-tokens';
import { freshExchange, ReplicaSet, untilReady } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { streamTarget } from '../support/stream-clients';

describe('private topics across two ROLE=server replicas on RabbitMQ', function () {
  this.timeout(30_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('auth'));
  let a: ServiceProcess;
  let b: ServiceProcess;
  const clients: RecordingEventSource[] = [];
  const open = async (url: string, query: Record<string, string> = {}): Promise<RecordingEventSource> => {
    const client = new RecordingEventSource(`${url}${streamTarget(query)}`);
    clients.push(client);
    await client.waitOpen();
    return client;
  };

  before(async () => {
    // The same key on both; AMQP_QUEUE=exclusive until stream queues are on main (ignored before that).
    const env = { JWT_KEY: HS_SECRET, AMQP_QUEUE: 'exclusive' };
    [a, b] = await Promise.all([set.spawn('server', env), set.spawn('server', env)]);
    await Promise.all([a, b].map((replica) => untilReady(replica.url)));
  });
  // Processes first: a stream the server ends closes at once, one the client aborts lingers in fetch's pool.
  after(async () => {
    await set.stopAll();
    clients.forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  it('delivers a private broadcast published on replica A to the covered subscribers of replica B only', async () => {
    const covered = await open(b.url, { access_token: await hsToken(readerClaims('desk.*')) });
    const uncovered = await open(b.url, { access_token: await hsToken(readerClaims('vip')) });
    const anonymous = await open(b.url);
    const coveredOnA = await open(a.url, { access_token: await hsToken(readerClaims('desk.*')) });
    const anonymousOnA = await open(a.url);

    const publisher = await hsToken(publisherClaims('*'));
    const id = await publishAs(a.url, publisher, { message: 'private fx', topic: 'desk.fx', private: true });
    // The same publisher's public fence: RabbitMQ keeps one channel's messages in order on every queue.
    const fence = await publishAs(a.url, publisher, { message: 'fence', topic: 'desk.fx' });
    const everyone = [covered, uncovered, anonymous, coveredOnA, anonymousOnA];
    await Promise.all(everyone.map((c) => c.waitFor((r) => r.some((m) => m.lastEventId === fence))));

    const got = (c: RecordingEventSource): string[] => c.received.map((m) => m.lastEventId);
    expect(got(covered), 'covered, on B').to.deep.equal([id, fence]);
    expect(got(coveredOnA), 'covered, on A').to.deep.equal([id, fence]);
    expect(covered.received[0]!.data).to.equal('{"message":"private fx"}');
    for (const [what, client] of [
      ['another private topic, on B', uncovered],
      ['anonymous, on B', anonymous],
      ['anonymous, on A', anonymousOnA],
    ] as const) {
      expect(got(client), what).to.deep.equal([fence]);
    }
  });

  it('keeps the event private in replays on replica B too', async () => {
    const publisher = await hsToken(publisherClaims('*'));
    const first = await publishAs(a.url, publisher, { message: 'public', topic: 'desk.fx' });
    const secret = await publishAs(a.url, publisher, { message: 'private', topic: 'desk.fx', private: true });
    const last = await publishAs(a.url, publisher, { message: 'last', topic: 'desk.fx' });
    // B has them once a client of B has seen the last one.
    const watcher = await open(b.url, { access_token: await hsToken(readerClaims('*')) });
    const fence = await publishAs(a.url, publisher, { message: 'fence', topic: 'desk.fx' });
    await watcher.waitFor((r) => r.some((m) => m.lastEventId === fence));

    const covered = await open(b.url, { lastEventId: first, access_token: await hsToken(readerClaims('desk.*')) });
    const anonymous = await open(b.url, { lastEventId: first });
    for (const client of [covered, anonymous]) await client.waitFor((r) => r.some((m) => m.lastEventId === fence));
    expect(covered.received.map((m) => m.lastEventId)).to.deep.equal([secret, last, fence]);
    expect(anonymous.received.map((m) => m.lastEventId)).to.deep.equal([last, fence]);
  });
});
