import { expect } from 'chai';
import type { StreamEvent } from '../../src/domain/stream-event';
import { StreamFixture, ulidEvent, type Heard } from '../support/amqp-stream-fixture';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

const counter = async (metric: { get: () => Promise<{ values: { value: number }[] }> }): Promise<number> =>
  (await metric.get()).values[0]?.value ?? 0;

/** Publishes one event after another through `publisher` until stopped; keeps the ids confirmed. */
function keepPublishing(publisher: Heard) {
  const confirmed: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n += 1) {
      const event: StreamEvent = ulidEvent(`continuous ${n}`);
      if ((await publisher.bus.publish(event)).ok) confirmed.push(event.id);
    }
  })();
  return {
    confirmed,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('AmqpEventBus stream resume (TCP proxy)', function () {
  this.timeout(60_000);
  requireRabbitMq();

  let fixture: StreamFixture;
  let proxy: TcpProxy;
  beforeEach(async () => {
    fixture = await StreamFixture.open();
    const { host, port } = rabbitMqAddress();
    proxy = await TcpProxy.start(port, host);
  });
  afterEach(async () => {
    await proxy.close();
    await fixture.dispose();
  });

  /** A consumer reaching the broker through the proxy, reconnecting quickly. */
  const throughProxy = () =>
    fixture.bus({}, { url: rabbitMqUrlVia(proxy.port), backoff: { initialMs: 20, maxMs: 200 } });

  it('hands on every confirmed event exactly once, in stream order, across several connection cuts', async () => {
    const consumer = throughProxy();
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready');
    const publisher = fixture.bus({}, {}, false);
    await publisher.bus.start();
    const publishing = keepPublishing(publisher);

    for (let cut = 1; cut <= 3; cut += 1) {
      const heardBefore = consumer.heard.length;
      await eventually(() => consumer.heard.length > heardBefore + 20, `events flowing before cut ${cut}`);
      proxy.cut();
      await eventually(() => !consumer.bus.readiness().ready, `cut ${cut} noticed`);
      const confirmedAtCut = publishing.confirmed.length;
      await eventually(() => publishing.confirmed.length > confirmedAtCut + 50, `events confirmed during cut ${cut}`);
      proxy.restore();
      await eventually(() => consumer.bus.readiness().ready, `back after cut ${cut}`, 15_000);
    }
    await publishing.stop();

    const stream = await fixture.streamIds();
    await eventually(() => consumer.heard.length >= stream.length, 'the consumer to catch up', 15_000);
    expect(consumer.heard, 'the stream, in its order: no gap, no duplicate').to.deep.equal(stream);
    const heard = new Set(consumer.heard);
    expect(
      publishing.confirmed.filter((id) => !heard.has(id)),
      'confirmed but never heard',
    ).to.deep.equal([]);
    expect(publishing.confirmed.length).to.be.above(150);
    expect(await counter(consumer.metrics.busReconnects)).to.equal(3);
    expect(await counter(consumer.metrics.streamGaps)).to.equal(0);
  });

  it('signals a gap once when retention dropped where it left off, then carries on in order', async () => {
    // A stream that keeps only a few kilobytes in tiny segments: retention acts within a few dozen events.
    const tiny = { 'x-queue-type': 'stream', 'x-max-length-bytes': 20_000, 'x-stream-max-segment-size-bytes': 2_000 };
    await fixture.channel.assertQueue(fixture.stream, { durable: true, arguments: tiny });
    const consumer = throughProxy();
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready');
    const before = [ulidEvent('before 1'), ulidEvent('before 2')];
    await fixture.publish(before);
    await eventually(() => consumer.heard.length === 2, 'the first events');
    const seenAt = (await fixture.streamEntries()).at(-1)!.offset;

    proxy.cut();
    await eventually(() => !consumer.bus.readiness().ready, 'the cut noticed');
    // The consumer processed at most up to seenAt + 1 (a probe of its own may follow the events).
    await eventually(async () => {
      await fixture.publish(Array.from({ length: 20 }, (_, n) => ulidEvent(`while cut ${n}`)));
      const first = (await fixture.streamEntries())[0];
      return first !== undefined && first.offset > seenAt + 2;
    }, 'retention to drop where the consumer left off');
    const kept = await fixture.streamIds();

    proxy.restore();
    await eventually(() => consumer.heard.includes('GAP'), 'the gap', 15_000);
    const after = ulidEvent('after');
    await fixture.publish([after]);
    await eventually(() => consumer.heard.includes(after.id), 'the event after the gap');
    const gapAt = consumer.heard.indexOf('GAP');
    expect(consumer.heard.slice(0, gapAt)).to.deep.equal(before.map((e) => e.id));
    // What the stream kept, from wherever it started when the consumer came back (its probe may roll a segment).
    const resumed = consumer.heard.slice(gapAt + 1);
    expect(resumed.at(-1)).to.equal(after.id);
    expect(kept.slice(kept.length - (resumed.length - 1))).to.deep.equal(resumed.slice(0, -1));
    expect(resumed.length).to.be.above(1);
    expect(await counter(consumer.metrics.streamGaps)).to.equal(1);
  });

  it('resumes without a gap where the offset after the last event starts a segment (it holds no event)', async () => {
    // Segments smaller than one message: each event opens a segment, whose first offset the broker keeps.
    const oneEach = { 'x-queue-type': 'stream', 'x-stream-max-segment-size-bytes': 2_000 };
    await fixture.channel.assertQueue(fixture.stream, { durable: true, arguments: oneEach });
    const big = (label: string): StreamEvent => ulidEvent(`${label} ${'x'.repeat(2_500)}`);
    const consumer = throughProxy();
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready');
    const before = big('before');
    await fixture.publish([before]);
    await eventually(() => consumer.heard.includes(before.id), 'the event before the cut');

    proxy.cut();
    await eventually(() => !consumer.bus.readiness().ready, 'the cut noticed');
    const during = [big('during 1'), big('during 2')];
    await fixture.publish(during);
    const offsets = (await fixture.streamEntries()).map((entry) => entry.offset);
    const last = offsets.at(-3)!;
    expect(offsets.at(-2), 'an offset without an event follows the last one heard').to.be.above(last + 1);
    proxy.restore();
    await eventually(() => consumer.heard.includes(during[1]!.id), 'the events of the cut', 15_000);

    expect(consumer.heard).to.deep.equal([before.id, ...during.map((e) => e.id)]);
    expect(await counter(consumer.metrics.streamGaps)).to.equal(0);
  });

  it('starts over, with a gap, when the stream was replaced while cut and grew past where it left off', async () => {
    const consumer = throughProxy();
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready');
    const first = ulidEvent('first stream');
    await fixture.publish([first]);
    await eventually(() => consumer.heard.length === 1, 'the first event');

    proxy.cut();
    await eventually(() => !consumer.bus.readiness().ready, 'the cut noticed');
    await fixture.channel.deleteQueue(fixture.stream);
    await fixture.channel.assertQueue(fixture.stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    await fixture.channel.bindQueue(fixture.stream, fixture.exchange, '');
    const replacing = Array.from({ length: 10 }, (_, n) => ulidEvent(`new stream ${n}`));
    await fixture.publish(replacing);
    proxy.restore();

    await eventually(() => consumer.heard.includes(replacing.at(-1)!.id), 'the new stream read', 15_000);
    expect(consumer.heard).to.deep.equal([first.id, 'GAP', ...replacing.map((e) => e.id)]);
  });

  it('starts over, with a gap, when the stream is deleted and declared anew', async () => {
    const consumer = fixture.bus({}, { backoff: { initialMs: 20, maxMs: 200 } });
    await consumer.bus.start();
    await eventually(() => consumer.bus.readiness().ready, 'ready');
    const first = ulidEvent('first stream');
    await fixture.publish([first]);
    await eventually(() => consumer.heard.length === 1, 'the first event');

    await fixture.channel.deleteQueue(fixture.stream);
    await eventually(() => consumer.heard.includes('GAP'), 'the gap');
    await eventually(() => consumer.bus.readiness().ready, 'ready on the new stream');
    const second = ulidEvent('second stream');
    await fixture.publish([second]);
    await eventually(() => consumer.heard.includes(second.id), 'the event in the new stream');
    expect(consumer.heard).to.deep.equal([first.id, 'GAP', second.id]);
  });
});
