import { expect } from 'chai';
import { EventSource, type EventSourceFetchInit } from 'eventsource';
import { post } from '../support/http';
import { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, ReplicaSet } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';

const STREAM = '/api/v1/sso/stream';

/**
 * A real EventSource behind a stand-in for a load balancer: its first
 * connection goes to `first`, every reconnect to `then`, and a reconnect is
 * held until `release()`, so the test decides what is published meanwhile.
 */
function balancedEventSource(first: string, then: string) {
  const requests: { url: string; lastEventId: string | undefined }[] = [];
  const received: { type: string; id: string; data: string }[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const source = new EventSource(first, {
    fetch: async (url: string | URL, init: EventSourceFetchInit) => {
      const target = requests.length === 0 ? String(url) : then;
      requests.push({ url: target, lastEventId: init.headers['Last-Event-ID'] });
      if (target === then) await gate;
      return fetch(target, init);
    },
  });
  for (const type of ['message', 'reset']) {
    source.addEventListener(type, (e: { data: string; lastEventId: string }) =>
      received.push({ type, id: e.lastEventId, data: e.data }),
    );
  }
  return { source, requests, received, release };
}

describe('Last-Event-ID on a replica the client did not first use', function () {
  this.timeout(20_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('resume'));
  let replicas: ServiceProcess[] = [];
  const clients: { close(): void }[] = [];
  before(async () => (replicas = await Promise.all([0, 1].map(() => set.spawn('server', { RETRY_MS: '100' })))));
  // Processes first: a stream the server ends closes at once, one the client aborts lingers in fetch's pool.
  after(async () => {
    await set.stopAll();
    clients.forEach((c) => c.close());
  });

  it('resumes on replica 2 with exactly the events after the last id seen on replica 1, then goes live', async () => {
    const [one, two] = replicas as [ServiceProcess, ServiceProcess];
    const client = balancedEventSource(`${one.url}${STREAM}`, `${two.url}${STREAM}`);
    const witness = await RawSseClient.connect(two.port, STREAM);
    clients.push(client.source, witness);
    const publish = async (replica: ServiceProcess, message: string): Promise<string> => {
      const answer = await post(`${replica.url}/api/v1/sso/broadcast`, { message });
      expect(answer.status, message).to.equal(202);
      return answer.json.id as string;
    };
    const has = (id: string) => () => client.received.some((r) => r.id === id);
    await witness.waitFor((c) => c.retry !== undefined);
    await eventually(() => client.source.readyState === EventSource.OPEN, 'the first connection');

    // Connected to replica 1: events published on either replica.
    const seen = [await publish(one, 'm1'), await publish(two, 'm2'), await publish(one, 'm3')];
    await eventually(has(seen[2]!), 'm3 on replica 1');

    // Replica 1 shuts down (SIGTERM); the client's reconnect is held while more is published on replica 2.
    const stopped = set.stop(one);
    await eventually(() => client.requests.length === 2, 'the reconnect');
    const missed = [await publish(two, 'm4'), await publish(two, 'm5'), await publish(two, 'm6')];
    await witness.waitFor((c) => c.events.some((e) => e.id === missed[2]), 5_000, 'm6 on replica 2');

    client.release();
    await eventually(has(missed[2]!), 'the replay on replica 2');
    const live = await publish(two, 'm7');
    await eventually(has(live), 'm7 live');

    expect(await stopped, 'replica 1 exit').to.deep.equal({ code: 0, signal: null });
    expect(client.requests).to.deep.equal([
      { url: `${one.url}${STREAM}`, lastEventId: undefined },
      { url: `${two.url}${STREAM}`, lastEventId: seen[2] },
    ]);
    const ids = [...seen, ...missed, live];
    expect(client.received).to.deep.equal(
      ids.map((id, n) => ({ type: 'message', id, data: `{"message":"m${n + 1}"}` })),
    );
    expect(witness.events.map((e) => e.id)).to.deep.equal(ids);
  });
});
