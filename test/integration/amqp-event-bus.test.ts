import { expect } from 'chai';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import net from 'node:net';
import pino from 'pino';
import type { EventId, StreamEvent } from '../../src/domain/stream-event';
import type { Topic } from '../../src/domain/topic';
import { AmqpEventBus, type AmqpBusOptions } from '../../src/infrastructure/bus/amqp-event-bus';
import { encodeEnvelope } from '../../src/infrastructure/bus/amqp-envelope';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { RABBITMQ_URL, requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';
import { json } from '../support/events';

const EXCHANGE = `test-${process.pid}-${Date.now()}`;
const quiet = pino({ level: 'silent' });

let sequence = 0;
const streamEvent = (overrides: Partial<StreamEvent> = {}): StreamEvent => ({
  id: `01TEST${String((sequence += 1)).padStart(10, '0')}` as EventId,
  topic: 'broadcast' as Topic,
  data: json({ message: `hello ${sequence}` }),
  publishedAt: Date.now(),
  private: false,
  ...overrides,
});

const rejectedCount = async (metrics: Metrics): Promise<number> =>
  (await metrics.busMessagesRejected.get()).values[0]?.value ?? 0;

describe('AmqpEventBus', () => {
  requireRabbitMq();

  const buses: AmqpEventBus[] = [];
  let raw: ChannelModel | undefined;
  let rawChannel: Channel;

  /** A bus on this run's exchange (closed after each test), and what its subscriber received if `subscribed`. */
  function makeBus(options: Partial<AmqpBusOptions> = {}, metrics = new Metrics(), subscribed = true, logger = quiet) {
    const bus = new AmqpEventBus({ url: RABBITMQ_URL, exchange: EXCHANGE, ...options }, logger, metrics);
    const received: StreamEvent[] = [];
    if (subscribed) bus.listen({ event: (event) => received.push(event), gap: () => undefined });
    buses.push(bus);
    return { bus, received, metrics };
  }

  before(async () => {
    raw = await amqp.connect(RABBITMQ_URL);
    rawChannel = await raw.createChannel();
    await rawChannel.assertExchange(EXCHANGE, 'fanout', { durable: true });
  });
  afterEach(() => Promise.all(buses.splice(0).map((bus) => bus.close())));
  after(async () => {
    if (raw === undefined) return;
    await rawChannel.deleteExchange(EXCHANGE);
    await raw.close();
  });

  it('delivers each publish once to every subscribed bus, with the same id', async () => {
    const a = makeBus();
    const b = makeBus();
    const fetcher = makeBus({}, new Metrics(), false);
    await Promise.all([a.bus.start(), b.bus.start(), fetcher.bus.start()]);
    for (const { bus } of [a, b, fetcher]) expect(bus.readiness()).to.deep.equal({ ready: true });

    const first = streamEvent();
    const marker = streamEvent();
    expect(await fetcher.bus.publish(first)).to.deep.equal({ ok: true, value: undefined });
    expect(await a.bus.publish(marker)).to.deep.equal({ ok: true, value: undefined });

    await eventually(() => a.received.length >= 2 && b.received.length >= 2, 'both buses to receive both events');
    expect(a.received).to.deep.equal([first, marker]);
    expect(b.received).to.deep.equal([first, marker]);
  });

  it('carries topic, event name, data and publish time unchanged', async () => {
    const a = makeBus();
    await a.bus.start();
    const event = streamEvent({
      topic: 'rates.BTC-USD' as Topic,
      name: 'quote' as StreamEvent['name'],
      data: json({ nested: [1, 'two\nlines', null, { ok: true }], unicode: 'é€😀' }),
      publishedAt: 1_700_000_000_123,
    });
    expect((await a.bus.publish(event)).ok).to.equal(true);
    await eventually(() => a.received.length === 1, 'the event');
    expect(a.received[0]).to.deep.equal(event);
  });

  it('resolves a publish only once the broker has taken the message', async () => {
    const { queue } = await rawChannel.assertQueue('', { exclusive: true });
    await rawChannel.bindQueue(queue, EXCHANGE, '');
    const publisher = makeBus({}, new Metrics(), false);
    await publisher.bus.start();
    const event = streamEvent();
    expect((await publisher.bus.publish(event)).ok).to.equal(true);
    // No waiting: a confirm for a routed message means it is already in the queue.
    expect((await rawChannel.checkQueue(queue)).messageCount).to.equal(1);
    const message = await rawChannel.get(queue, { noAck: true });
    expect(message && message.properties).to.include({ contentType: 'application/json', messageId: event.id });
    await rawChannel.deleteQueue(queue);
  });

  it('answers a nack from the broker with bus-unavailable', async () => {
    const exchange = `${EXCHANGE}-nack`;
    await rawChannel.assertExchange(exchange, 'fanout', { durable: true });
    const { queue } = await rawChannel.assertQueue('', {
      exclusive: true,
      arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
    });
    await rawChannel.bindQueue(queue, exchange, '');
    try {
      const publisher = makeBus({ exchange }, new Metrics(), false);
      await publisher.bus.start();
      const answer = await publisher.bus.publish(streamEvent());
      expect(answer.ok).to.equal(false);
      if (answer.ok) return;
      expect(answer.error.code).to.equal('bus-unavailable');
      expect(answer.error.message).to.match(/did not confirm/);
      if (answer.error.code === 'bus-unavailable') expect(answer.error.retryAfterSeconds).to.be.at.least(1);
    } finally {
      await rawChannel.deleteQueue(queue);
      await rawChannel.deleteExchange(exchange);
    }
  });

  it('drops and counts malformed messages, and still delivers the next valid one', async () => {
    const a = makeBus();
    await a.bus.start();
    const envelope = { v: 1, id: '01BAD', topic: 'broadcast', data: 1, publishedAt: 1 };
    const bad = [
      'not json at all',
      JSON.stringify({ ...envelope, topic: 'no spaces allowed' }),
      JSON.stringify({ ...envelope, id: 'line\nbreak' }),
      JSON.stringify({ ...envelope, id: '' }),
      JSON.stringify({ ...envelope, event: 'x'.repeat(129) }),
      JSON.stringify({ ...envelope, data: undefined }),
      JSON.stringify({ ...envelope, publishedAt: 'yesterday' }),
      JSON.stringify({ ...envelope, v: 2 }),
      JSON.stringify([envelope]),
    ];
    for (const body of bad) rawChannel.publish(EXCHANGE, '', Buffer.from(body));
    const good = streamEvent();
    const { content, options } = encodeEnvelope(good);
    rawChannel.publish(EXCHANGE, '', content, options);

    await eventually(() => a.received.length >= 1, 'the valid event');
    expect(a.received).to.deep.equal([good]);
    expect(await rejectedCount(a.metrics)).to.equal(bad.length);
    expect(a.bus.readiness().ready).to.equal(true);
  });

  it('drops and counts a message over the size limit', async () => {
    const a = makeBus({ maxMessageBytes: 1_024 });
    await a.bus.start();
    const big = encodeEnvelope(streamEvent({ data: json({ message: 'x'.repeat(2_000) }) }));
    const small = streamEvent();
    rawChannel.publish(EXCHANGE, '', big.content, big.options);
    rawChannel.publish(EXCHANGE, '', encodeEnvelope(small).content, encodeEnvelope(small).options);
    await eventually(() => a.received.length >= 1, 'the small event');
    expect(a.received).to.deep.equal([small]);
    expect(await rejectedCount(a.metrics)).to.equal(1);
  });

  it('refuses to publish a message over the size limit (every replica would drop it), and publishes nothing', async () => {
    const a = makeBus({ maxMessageBytes: 1_024 });
    await a.bus.start();
    const answer = await a.bus.publish(streamEvent({ data: json({ message: 'x'.repeat(2_000) }) }));
    expect(answer.ok).to.equal(false);
    if (!answer.ok)
      expect(answer.error).to.deep.equal({
        code: 'too-large',
        message: "the message is over the bus's limit of 1024 bytes",
      });
    const small = streamEvent();
    expect((await a.bus.publish(small)).ok).to.equal(true);
    await eventually(() => a.received.length >= 1, 'the small event');
    expect(a.received).to.deep.equal([small]);
  });

  it('answers bus-unavailable while not connected, and never logs the password', async () => {
    const notStarted = makeBus();
    expect(notStarted.bus.readiness()).to.deep.equal({ ready: false, reason: 'not started' });
    const early = await notStarted.bus.publish(streamEvent());
    expect(early).to.deep.include({ ok: false });

    const port = await closedPort();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const url = `amqp://someone:s3cret-Pa55@127.0.0.1:${port}/%2f`;
    const bus = new AmqpEventBus({ url, exchange: EXCHANGE }, logger, new Metrics());
    buses.push(bus);
    await bus.start();
    const readiness = bus.readiness();
    expect(readiness.ready).to.equal(false);
    if (!readiness.ready) expect(readiness.reason).to.include(`127.0.0.1:${port}`);
    const answer = await bus.publish(streamEvent());
    expect(answer.ok).to.equal(false);
    if (!answer.ok) expect(answer.error.code).to.equal('bus-unavailable');
    if (!answer.ok && answer.error.code === 'bus-unavailable')
      expect(answer.error.retryAfterSeconds).to.be.within(1, 30);
    expect(lines.join('')).to.include('RabbitMQ is not reachable');
    await bus.close();
    const everything = [...lines, JSON.stringify(readiness), JSON.stringify(answer)].join('\n');
    expect(everything).not.to.include('s3cret-Pa55');
  });

  it('closes cleanly: stops consuming, refuses publishes, and a second close is harmless', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    // A close timeout no healthy broker comes near, however busy the machine: reaching it means close hung.
    const a = makeBus({ closeTimeoutMs: 10_000 }, new Metrics(), true, logger);
    const witness = makeBus();
    await Promise.all([a.bus.start(), witness.bus.start()]);
    expect(() => a.bus.listen({ event: () => undefined, gap: () => undefined })).to.throw(/before start/);

    await a.bus.close();
    expect(lines.join(''), 'a graceful close, not one cut short by its timeout').not.to.include(
      'did not close cleanly',
    );
    expect(a.bus.readiness()).to.deep.equal({ ready: false, reason: 'closed' });
    expect((await a.bus.publish(streamEvent())).ok).to.equal(false);

    const after = streamEvent();
    expect((await witness.bus.publish(after)).ok).to.equal(true);
    await eventually(() => witness.received.length === 1, 'the witness to receive');
    expect(a.received).to.deep.equal([]);
    await a.bus.close();
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
