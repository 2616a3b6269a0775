import { expect } from 'chai';
import amqp from 'amqplib';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { EventId, StreamEvent } from '../../src/domain/stream-event';
import type { Topic } from '../../src/domain/topic';
import { AmqpEventBus, type AmqpBusOptions } from '../../src/infrastructure/bus/amqp-event-bus';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { RABBITMQ_URL, rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';
import { json } from '../support/events';

const EXCHANGE = `test-faults-${process.pid}-${Date.now()}`;
const quiet = pino({ level: 'silent' });

let sequence = 0;
const streamEvent = (): StreamEvent => ({
  id: `01FAULT${String((sequence += 1)).padStart(10, '0')}` as EventId,
  topic: 'broadcast' as Topic,
  data: json({ message: `event ${sequence}` }),
  publishedAt: Date.now(),
  private: false,
});

const counterValue = async (counter: Metrics['busReconnects']): Promise<number> =>
  (await counter.get()).values[0]?.value ?? 0;

/**
 * Whether `close` settles within 5 s: a liveness bound, not a speed one. It is far above the 300 ms close
 * timeout the tests set, and far below what a close without that timeout would wait for a silent broker.
 */
async function settles(close: Promise<void>): Promise<'closed' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 5_000)));
  try {
    return await Promise.race([close.then(() => 'closed' as const), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('AmqpEventBus across broker faults (TCP proxy)', function () {
  this.timeout(30_000);
  requireRabbitMq();

  let proxy: TcpProxy | undefined;
  const buses: AmqpEventBus[] = [];

  /** A subscribed bus on this run's exchange, through the proxy unless `direct`. */
  function makeBus(options: Partial<AmqpBusOptions> = {}, direct = false) {
    const url = direct || proxy === undefined ? RABBITMQ_URL : rabbitMqUrlVia(proxy.port);
    const metrics = new Metrics();
    const bus = new AmqpEventBus({ url, exchange: EXCHANGE, ...options }, quiet, metrics);
    const received: StreamEvent[] = [];
    bus.listen({ event: (event) => received.push(event), gap: () => undefined });
    buses.push(bus);
    return { bus, received, metrics };
  }

  before(async () => {
    const { host, port } = rabbitMqAddress();
    proxy = await TcpProxy.start(port, host);
  });
  afterEach(async () => {
    proxy?.resume();
    proxy?.restore();
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  after(async () => {
    await proxy?.close();
    if (proxy === undefined) return;
    const connection = await amqp.connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    await channel.deleteExchange(EXCHANGE);
    await connection.close();
  });

  it('goes unready and refuses publishes when cut, then reconnects and resumes consuming', async () => {
    const a = makeBus();
    const witness = makeBus({}, true);
    await Promise.all([a.bus.start(), witness.bus.start()]);
    expect(a.bus.readiness().ready).to.equal(true);

    proxy!.cut();
    await eventually(() => !a.bus.readiness().ready, 'readiness to turn false');
    const readiness = a.bus.readiness();
    if (!readiness.ready) expect(readiness.reason).to.match(/lost/);
    const refused = await a.bus.publish(streamEvent());
    expect(refused.ok).to.equal(false);
    if (!refused.ok) expect(refused.error).to.include({ code: 'bus-unavailable' });
    if (!refused.ok && refused.error.code === 'bus-unavailable')
      expect(refused.error.retryAfterSeconds).to.be.within(1, 30);
    const missed = streamEvent();
    expect((await witness.bus.publish(missed)).ok).to.equal(true);

    const restoredAt = performance.now();
    proxy!.restore();
    await eventually(() => a.bus.readiness().ready, 'readiness to come back', 15_000);
    const reconnectMs = performance.now() - restoredAt;
    expect(await counterValue(a.metrics.busReconnects)).to.equal(1);

    const after = streamEvent();
    expect((await a.bus.publish(after)).ok).to.equal(true);
    await eventually(() => a.received.some((e) => e.id === after.id), 'a to receive');
    await eventually(() => witness.received.some((e) => e.id === after.id), 'the witness to receive');
    const flowingMs = performance.now() - restoredAt;
    expect(a.received.map((e) => e.id)).to.deep.equal([after.id]);
    process.stdout.write(
      `      (AMQP reconnect after restore: ready in ${reconnectMs.toFixed(0)} ms, events flowing in ${flowingMs.toFixed(0)} ms)\n`,
    );
  });

  it('starts while the broker is unreachable, and connects once it is back', async () => {
    proxy!.cut();
    const a = makeBus();
    await a.bus.start();
    expect(a.bus.readiness().ready).to.equal(false);
    expect((await a.bus.publish(streamEvent())).ok).to.equal(false);

    proxy!.restore();
    await eventually(() => a.bus.readiness().ready, 'the first connection', 15_000);
    const event = streamEvent();
    expect((await a.bus.publish(event)).ok).to.equal(true);
    await eventually(() => a.received.some((e) => e.id === event.id), 'the event');
    expect(await counterValue(a.metrics.busReconnects)).to.equal(0);
  });

  it('fails a publish whose confirm does not come in time', async () => {
    const a = makeBus({ publishTimeoutMs: 300 });
    await a.bus.start();
    proxy!.pause();
    const answer = await a.bus.publish(streamEvent());
    expect(answer.ok).to.equal(false);
    if (!answer.ok) expect(answer.error.message).to.match(/no publisher confirm within 300 ms/);
  });

  it('holds publishes back while the channel is full, and never sends one that timed out waiting', async () => {
    const a = makeBus({ publishTimeoutMs: 1_000 });
    const witness = makeBus({}, true);
    await Promise.all([a.bus.start(), witness.bus.start()]);
    proxy!.pause();
    const heavy = Array.from({ length: 1_500 }, () => ({
      ...streamEvent(),
      data: json({ message: 'x'.repeat(10_000) }),
    }));
    const answers = await Promise.all(heavy.map((event) => a.bus.publish(event)));
    expect(answers.every((answer) => !answer.ok)).to.equal(true);

    proxy!.resume();
    const marker = streamEvent();
    await eventually(() => a.bus.readiness().ready, 'a to stay or come back');
    expect((await a.bus.publish(marker)).ok).to.equal(true);
    await eventually(() => witness.received.some((e) => e.id === marker.id), 'the marker');
    const sent = witness.received.length - 1;
    expect(sent).to.be.below(heavy.length);
  });

  it('closes promptly when the broker stops answering or is gone', async () => {
    // Heartbeats a minute apart: the broker drops the silent connection only after missing them, so without
    // the close timeout its close would wait a minute or more for an answer.
    const silent = makeBus({ closeTimeoutMs: 300, heartbeatSeconds: 60 });
    const cut = makeBus({ closeTimeoutMs: 300 });
    await Promise.all([silent.bus.start(), cut.bus.start()]);
    proxy!.pause();
    expect(await settles(silent.bus.close())).to.equal('closed');

    proxy!.resume();
    proxy!.cut();
    await eventually(() => !cut.bus.readiness().ready, 'the cut to be noticed');
    expect(await settles(cut.bus.close())).to.equal('closed');
    expect(cut.bus.readiness()).to.deep.equal({ ready: false, reason: 'closed' });
  });
});
