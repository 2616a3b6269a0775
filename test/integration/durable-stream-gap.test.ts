import { expect } from 'chai';
import {
  broadcast,
  firstOffset,
  messages,
  openStream,
  publishMany,
  summary,
  until,
  untilReady,
} from '../support/durable';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, metricValue, readyz, ReplicaSet } from '../support/replica-set';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

const GAP = 'reset {"reason":"stream-gap"}';
const HISTORY = 5;

describe('a replica whose place in the stream was dropped by retention (AMQP_QUEUE=stream)', function () {
  this.timeout(90_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('durable-gap'));
  const stream = `${set.exchange}.stream`;
  let proxy: TcpProxy;
  let publisher: ServiceProcess;
  let cutOff: ServiceProcess;
  const clients: RawSseClient[] = [];
  before(async () => {
    const { host, port } = rabbitMqAddress();
    proxy = await TcpProxy.start(port, host);
    // A stream of 300 kB in segments of 64 KiB (the floor): retention acts after a few hundred kB.
    const env = { STREAM_MAX_BYTES: '300000', HISTORY_SIZE: String(HISTORY) };
    publisher = await set.spawn('server', env);
    cutOff = await set.spawn('server', { ...env, AMQP_URL: rabbitMqUrlVia(proxy.port) });
    await Promise.all([untilReady(publisher.url), untilReady(cutOff.url)]);
  });
  after(async () => {
    proxy.restore();
    await set.stopAll();
    clients.forEach((c) => c.close());
    await proxy.close();
  });

  it('sends its live streams a stream-gap reset once, then carries on with what the stream kept', async () => {
    const client = await openStream(cutOff.port);
    const witness = await openStream(publisher.port);
    clients.push(client, witness);
    const before = await publishMany(publisher.url, 3, 'before');
    await until(client, before[2]!, 'the events before the cut');

    proxy.cut();
    await eventually(async () => (await readyz(cutOff.url)).status === 503, 'the cut noticed');
    const left = (await metricValue(cutOff.url, 'sse_stream_offset'))!;
    const big = 'x'.repeat(20_000);
    await eventually(
      async () => {
        for (let n = 0; n < 10; n += 1) expect((await broadcast(publisher.url, { big })).status).to.equal(202);
        return (await firstOffset(stream)) > left + 1;
      },
      'retention to drop where the cut-off replica left off',
      60_000,
    );
    proxy.restore();
    await untilReady(cutOff.url);
    await client.waitFor((c) => c.events.some((e) => e.event === 'reset'), 10_000, 'the reset');
    const [after] = await publishMany(publisher.url, 1, 'after');
    await Promise.all([until(client, after!, 'the event after the gap'), until(witness, after!, 'on A')]);

    const got = summary(client.events);
    const gapAt = got.indexOf(GAP);
    expect(got.slice(0, gapAt + 1)).to.deep.equal([...messages(before), GAP]);
    // After the reset, the tail of what every replica got, from where the stream began again, to the end.
    const resumed = got.slice(gapAt + 1);
    const all = summary(witness.events);
    expect(resumed.length, 'events after the reset').to.be.above(1);
    expect(resumed).to.deep.equal(all.slice(all.length - resumed.length));
    expect(all.slice(0, all.length - resumed.length)).to.include.members(messages(before));
    expect(client.closed || client.terminated, 'the stream stayed open').to.equal(false);
    expect(await metricValue(cutOff.url, 'sse_stream_gaps_total')).to.equal(1);
    expect(await metricValue(publisher.url, 'sse_stream_gaps_total')).to.equal(0);

    // An id the stream held once, dropped by retention, and out of the history: a history-gap reset.
    const late = await openStream(publisher.port, '', { 'Last-Event-ID': before[0]! });
    clients.push(late);
    await late.waitFor((c) => c.events.length >= 1 + HISTORY, 10_000, 'the reset and the history');
    expect(summary(late.events)).to.deep.equal([
      `reset {"reason":"history-gap","lastEventId":"${before[0]!}"}`,
      ...all.slice(-HISTORY),
    ]);
  });
});
