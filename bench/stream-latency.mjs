// Added latency of AMQP_QUEUE=stream against AMQP_QUEUE=exclusive, at low rates.
//
//   npm run build && node bench/stream-latency.mjs [--events 200] [--rates 5,200] [--url amqp://...]
//
// For each mode and rate: one publish-only bus and one subscribed bus (the product's AmqpEventBus from dist/)
// on a fresh exchange; in stream mode also a bare amqplib consumer of the same stream (attached at `next`,
// prefetch 256, acking each message) as the floor, since RabbitMQ hands stream messages out in committed
// chunks. Latency = receipt in the listener - the moment before bus.publish(), both on this process's
// monotonic clock. Publishes follow a fixed schedule (not waiting on confirms). Not part of the test suite.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import pino from 'pino';
import { AmqpEventBus } from '../dist/infrastructure/bus/amqp-event-bus.js';
import { decodeEnvelope } from '../dist/infrastructure/bus/amqp-envelope.js';
import { UlidIdGenerator } from '../dist/infrastructure/ids/ulid-id-generator.js';
import { Metrics } from '../dist/infrastructure/metrics/metrics.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200' },
    rates: { type: 'string', default: '5,200' },
    url: { type: 'string', default: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' },
  },
});
const EVENTS = Number(values.events);
const RATES = values.rates.split(',').map(Number);
const URL = values.url;
const logger = pino({ level: 'warn' });
const ids = new UlidIdGenerator();
const until = (check) =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = () =>
      check() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setTimeout(poll, 10);
    poll();
  });

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) };
}

/** A bare consumer of `stream` from `next`: the floor. */
async function bareConsumer(stream, sentAt, samples) {
  const connection = await amqp.connect(URL);
  const channel = await connection.createChannel();
  await channel.prefetch(256);
  await channel.consume(
    stream,
    (message) => {
      if (message === null) return;
      const now = performance.now();
      channel.ack(message);
      const decoded = decodeEnvelope(message.content, 1 << 20);
      const start = decoded.ok ? sentAt.get(decoded.event.id) : undefined;
      if (start !== undefined) samples.push(now - start);
    },
    { noAck: false, arguments: { 'x-stream-offset': 'next' } },
  );
  return connection;
}

async function run(mode, rate) {
  const exchange = `bench-latency-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stream =
    mode === 'stream'
      ? { name: `${exchange}.stream`, maxAgeSeconds: 3_600, maxBytes: 100_000_000, historySize: 0 }
      : undefined;
  const options = { url: URL, exchange, ...(stream === undefined ? {} : { stream }) };
  const publisher = new AmqpEventBus(options, logger, new Metrics());
  const subscriber = new AmqpEventBus(options, logger, new Metrics());
  const sentAt = new Map();
  const bus = [];
  const bare = [];
  subscriber.subscribe((event) => {
    const start = sentAt.get(event.id);
    if (start !== undefined) bus.push(performance.now() - start);
  });
  await publisher.start();
  await subscriber.start();
  await until(() => subscriber.readiness().ready);
  const floor = stream === undefined ? undefined : await bareConsumer(stream.name, sentAt, bare);

  const begin = performance.now();
  const confirms = [];
  for (let n = 0; n < EVENTS; n += 1) {
    const due = begin + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const now = Date.now();
    const event = { id: ids.next(now), topic: 'broadcast', data: { message: n }, publishedAt: now };
    sentAt.set(event.id, performance.now());
    confirms.push(publisher.publish(event));
  }
  const confirmed = (await Promise.all(confirms)).filter((r) => r.ok).length;
  await until(() => bus.length >= confirmed && (floor === undefined || bare.length >= confirmed));

  await floor?.close();
  await subscriber.close();
  await publisher.close();
  const connection = await amqp.connect(URL);
  const channel = await connection.createChannel();
  if (stream !== undefined) await channel.deleteQueue(stream.name);
  await channel.deleteExchange(exchange);
  await connection.close();
  return { mode, rate, confirmed, bus: percentiles(bus), floor: floor === undefined ? undefined : percentiles(bare) };
}

const ms = (v) => (v === undefined ? '-' : v.toFixed(1));
const rows = [];
for (const rate of RATES) {
  for (const mode of ['exclusive', 'stream']) rows.push(await run(mode, rate));
}
console.log(`\n${EVENTS} events per run; latency in ms from publish() to the listener\n`);
console.log('| mode | rate/s | consumer | n | p50 | p90 | p99 | max |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  for (const [name, stats] of [
    ['AmqpEventBus', row.bus],
    ['bare amqplib (floor)', row.floor],
  ]) {
    if (stats === undefined) continue;
    console.log(
      `| ${row.mode} | ${row.rate} | ${name} | ${stats.n} | ${ms(stats.p50)} | ${ms(stats.p90)} | ${ms(stats.p99)} | ${ms(stats.max)} |`,
    );
  }
}
