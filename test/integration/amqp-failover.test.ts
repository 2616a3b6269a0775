import { expect } from 'chai';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { StreamEvent } from '../../src/domain/stream-event';
import type { Metrics } from '../../src/infrastructure/metrics/metrics';
import { StreamFixture, ulidEvent } from '../support/amqp-stream-fixture';
import { freePort } from '../support/free-port';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

const value = async (metric: Metrics['busFailovers']): Promise<number> => (await metric.get()).values[0]?.value ?? 0;

/** The node labels whose sse_bus_node gauge is 1. */
const inUse = async (metrics: Metrics): Promise<string[]> =>
  (await metrics.busNode.get()).values.filter((v) => v.value === 1).map((v) => String(v.labels.node));

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/**
 * Failover between the nodes that AMQP_URL lists, on the one local broker: each "node" is a TcpProxy in
 * front of it, so cutting one is a node going away (the real three-node cluster is test/cluster's).
 */
describe('AmqpEventBus with several nodes in AMQP_URL (TCP proxies)', function () {
  this.timeout(60_000);
  requireRabbitMq();

  let fixture: StreamFixture;
  let nodes: TcpProxy[];
  let urls: string[];
  beforeEach(async () => {
    fixture = await StreamFixture.open();
    const { host, port } = rabbitMqAddress();
    nodes = await Promise.all([TcpProxy.start(port, host), TcpProxy.start(port, host)]);
    urls = nodes.map((node) => rabbitMqUrlVia(node.port));
  });
  afterEach(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await fixture.dispose();
  });

  const label = (node: TcpProxy): string => `127.0.0.1:${node.port}`;
  const quick = { backoff: { initialMs: 20, maxMs: 200 } };

  it('starts at the node the draw picks, and moves on to the next when that one is unreachable', async () => {
    const dead = rabbitMqUrlVia(await freePort());
    const logs = capture();
    const consumer = fixture.bus({}, { url: [dead, urls[0]!], random: () => 0, ...quick }, true, logs.logger);
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready on the second node');
    expect(await inUse(consumer.metrics)).to.deep.equal([label(nodes[0]!)]);
    expect(await value(consumer.metrics.busFailovers)).to.equal(1);
    const connected = logs.lines.find((line) => line.includes('connected to RabbitMQ'));
    expect(connected)
      .to.include(`"endpoint":"${label(nodes[0]!)} vhost /"`)
      .and.to.include('"nodes":2');
    expect(logs.lines.join('')).not.to.include('guest:guest');
  });

  it('fails over to the next node when its own goes, and resumes at the next offset: nothing lost or twice', async () => {
    const consumer = fixture.bus({}, { url: urls.join(','), random: () => 0, ...quick });
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready');
    const before: StreamEvent[] = [ulidEvent('before')];
    await fixture.publish(before);
    await eventually(() => consumer.heard.length === 1, 'the first event');

    nodes[0]!.cut(); // node 0 dies for good
    const during = Array.from({ length: 20 }, (_, n) => ulidEvent(`during ${n}`));
    await fixture.publish(during);
    await eventually(() => consumer.heard.length === 21, 'the events published while it failed over', 15_000);

    expect(consumer.heard).to.deep.equal(await fixture.streamIds());
    expect(await inUse(consumer.metrics)).to.deep.equal([label(nodes[1]!)]);
    expect(await value(consumer.metrics.busFailovers)).to.equal(1);
    expect(await value(consumer.metrics.streamGaps)).to.equal(0);
  });

  it('publishes through the node it failed over to, and answers bus-unavailable with Retry-After meanwhile', async () => {
    const publisher = fixture.bus({}, { url: urls, random: () => 0, backoff: { initialMs: 2_000, maxMs: 2_000 } });
    await publisher.bus.start();
    await eventually(() => publisher.bus.readiness().ready, 'ready');
    nodes[0]!.cut();
    await eventually(() => !publisher.bus.readiness().ready, 'the loss noticed');
    const refused = await publisher.bus.publish(ulidEvent('while failing over'));
    expect(refused.ok).to.equal(false);
    if (!refused.ok) expect(refused.error).to.include({ code: 'bus-unavailable' });
    if (!refused.ok && refused.error.code === 'bus-unavailable')
      expect(refused.error.retryAfterSeconds).to.be.within(1, 2); // the next attempt, 1-2 s away

    await eventually(() => publisher.bus.readiness().ready, 'failed over', 15_000);
    const event = ulidEvent('after');
    expect((await publisher.bus.publish(event)).ok).to.equal(true);
    await eventually(() => publisher.heard.includes(event.id), 'the event through the stream');
    expect(await inUse(publisher.metrics)).to.deep.equal([label(nodes[1]!)]);
  });
});
