import { expect } from 'chai';
import { broadcast, messages, openStream, publishMany, summary, until, untilReady } from '../support/durable';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, readyz, ReplicaSet } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';

const HISTORY = 100;
const PUBLISHED = 150;

describe('a replica started after events were published (AMQP_QUEUE=stream)', function () {
  this.timeout(60_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('durable-cold'));
  const clients: RawSseClient[] = [];
  after(async () => {
    await set.stopAll();
    clients.forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  it('loads its history before /readyz says 200, then resumes a Last-Event-ID from the stream of A', async () => {
    const env = { HISTORY_SIZE: String(HISTORY) };
    const a = await set.spawn('server', env);
    await untilReady(a.url);
    const ids = await publishMany(a.url, PUBLISHED, 'before B');

    const b = await set.spawn('server', env);
    const reasons = await pollUntilReady(b);
    // At the first 200, the last HISTORY_SIZE events are there: a rewind reads the in-memory history only.
    const rewind = await openStream(b.port, `?rewind=${HISTORY}`);
    const afterId = ids[PUBLISHED - 20]!;
    const resumed = await openStream(b.port, '', { 'Last-Event-ID': afterId });
    clients.push(rewind, resumed);
    await until(rewind, ids.at(-1)!, 'the history on B');
    await until(resumed, ids.at(-1)!, 'the replay on B');

    const live = await broadcast(a.url, 'live after B started');
    expect(live.status).to.equal(202);
    const liveId = live.json.id as string;
    await Promise.all([until(rewind, liveId, 'live on rewind'), until(resumed, liveId, 'live on resumed')]);
    expect(summary(rewind.events)).to.deep.equal(messages([...ids.slice(-HISTORY), liveId]));
    expect(summary(resumed.events), 'no reset, no gap, no duplicate').to.deep.equal(
      messages([...ids.slice(PUBLISHED - 19), liveId]),
    );
    for (const reason of reasons) expect(reason, 'while not ready').to.match(/RabbitMQ|loading history/);
    expect(b.output()).to.match(/history loaded from the stream/);
  });
});

/** Polls `/readyz` of `proc` until it says 200; returns the reasons it gave before. */
async function pollUntilReady(proc: ServiceProcess): Promise<string[]> {
  const reasons: string[] = [];
  await eventually(
    async () => {
      const answer = await readyz(proc.url);
      if (answer.status !== 200) reasons.push(answer.json.message ?? '');
      return answer.status === 200;
    },
    'B ready',
    20_000,
  );
  return reasons;
}
