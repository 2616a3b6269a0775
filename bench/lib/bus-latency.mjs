// The bus alone, in one process: what AMQP_QUEUE=stream adds to latency against exclusive, and the floor
// RabbitMQ sets. For one mode and rate: a publish-only bus and a listening bus (the product's AmqpEventBus
// from dist/) on a fresh exchange; in stream mode also a bare amqplib consumer of the same stream (attached
// at `next`, prefetch 256, acking each message): RabbitMQ hands stream messages out only once their chunk
// is committed. Latency = receipt in the listener − the moment before bus.publish(), on this process's
// monotonic clock. Publishes follow a fixed schedule (not waiting on confirms).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import amqp from 'amqplib';
import pino from 'pino';
import { ROOT } from './targets.mjs';

/** The product's modules from dist/ (imported when first needed, so the bench runs without a build until then). */
async function product() {
  const load = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
  const [{ AmqpEventBus }, { decodeEnvelope }, { UlidIdGenerator }, { Metrics }, { jsonTextOf }] = await Promise.all([
    load('infrastructure/bus/amqp-event-bus.js'),
    load('infrastructure/bus/amqp-envelope.js'),
    load('infrastructure/ids/ulid-id-generator.js'),
    load('infrastructure/metrics/metrics.js'),
    load('domain/json-text.js'),
  ]);
  return { AmqpEventBus, decodeEnvelope, ids: new UlidIdGenerator(), Metrics, jsonTextOf };
}

const until = (check, ms = 30_000) =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const poll = () =>
      check() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setTimeout(poll, 10);
    poll();
  });

/** p50, p90, p99 and max of samples in ms. */
export function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) };
}

/** A bare consumer of `stream` from `next`: the floor. */
async function bareConsumer(url, stream, sentAt, samples, decodeEnvelope) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.prefetch(256);
  const onMessage = (message) => {
    if (message === null) return;
    const now = performance.now();
    channel.ack(message);
    const decoded = decodeEnvelope(message.content, message.properties, 1 << 20);
    const start = decoded.ok ? sentAt.get(decoded.event.id) : undefined;
    if (start !== undefined) samples.push(now - start);
  };
  await channel.consume(stream, onMessage, { noAck: false, arguments: { 'x-stream-offset': 'next' } });
  return connection;
}

async function cleanUp(url, exchange, stream) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  if (stream !== undefined) await channel.deleteQueue(stream.name);
  await channel.deleteExchange(exchange);
  await connection.close();
}

/** Publishes `events` on a fixed schedule at `rate`/s; resolves with how many were confirmed. */
async function publishOnSchedule(p, publisher, sentAt, { events, rate }) {
  const begin = performance.now();
  const confirms = [];
  for (let n = 0; n < events; n += 1) {
    const wait = begin + (n * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const now = Date.now();
    const event = {
      id: p.ids.next(now),
      topic: 'broadcast',
      data: p.jsonTextOf({ message: n }),
      publishedAt: now,
      private: false,
    };
    sentAt.set(event.id, performance.now());
    confirms.push(publisher.publish(event));
  }
  return (await Promise.all(confirms)).filter((r) => r.ok).length;
}

/**
 * One measurement: `mode` (stream | exclusive) at `rate`/s over `events` events. Resolves with
 * { mode, rate, confirmed, bus: percentiles, floor: percentiles (stream mode) }.
 */
export async function measureBusLatency({ url, mode, rate, events }) {
  const p = await product();
  const logger = pino({ level: 'warn' });
  const exchange = `bench-latency-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stream =
    mode === 'stream'
      ? { name: `${exchange}.stream`, maxAgeSeconds: 3_600, maxBytes: 100_000_000, historySize: 0 }
      : undefined;
  const options = { url, exchange, ...(stream === undefined ? {} : { stream }) };
  const publisher = new p.AmqpEventBus(options, logger, new p.Metrics());
  const subscriber = new p.AmqpEventBus(options, logger, new p.Metrics());
  const sentAt = new Map();
  const bus = [];
  const bare = [];
  subscriber.listen({
    event: (event) => {
      const start = sentAt.get(event.id);
      if (start !== undefined) bus.push(performance.now() - start);
    },
    gap: () => undefined,
  });
  let floor;
  try {
    await publisher.start();
    await subscriber.start();
    await until(() => subscriber.readiness().ready);
    if (stream !== undefined) floor = await bareConsumer(url, stream.name, sentAt, bare, p.decodeEnvelope);
    const confirmed = await publishOnSchedule(p, publisher, sentAt, { events, rate });
    await until(() => bus.length >= confirmed && (floor === undefined || bare.length >= confirmed));
    return { mode, rate, confirmed, bus: percentiles(bus), floor: floor === undefined ? undefined : percentiles(bare) };
  } finally {
    await floor?.close().catch(() => undefined);
    await subscriber.close();
    await publisher.close();
    await cleanUp(url, exchange, stream).catch(() => undefined);
  }
}
