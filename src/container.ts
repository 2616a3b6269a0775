import { availableParallelism } from 'node:os';
import { Container, type ResolutionContext } from 'inversify';
import { BroadcastMessage } from './application/broadcast-message.use-case';
import { IngestRate } from './application/ingest-rate.use-case';
import { RateFeed } from './application/rate-feed';
import type { EventBus } from './application/ports/event-bus.port';
import type { RateSource } from './application/ports/rate-source.port';
import { Subscribe } from './application/subscribe.use-case';
import { Broker } from './domain/broker';
import { createApp, type RequestObserver } from './interfaces/http/app';
import { streamFastPath } from './interfaces/http/routes/stream.fast-path';
import { streamHandler } from './interfaces/http/routes/stream.handler';
import { HttpServer } from './interfaces/http/http-server';
import { directFanOut } from './interfaces/http/sse/fanout/direct-fan-out';
import { SweepPool } from './interfaces/http/sse/fanout/sweep-pool';
import { eventFrame } from './interfaces/http/sse/sse-frames';
import { Service } from './service';
import { AmqpEventBus } from './infrastructure/bus/amqp-event-bus';
import { CountingEventBus } from './infrastructure/bus/counting-event-bus';
import { InMemoryEventBus } from './infrastructure/bus/in-memory-event-bus';
import type { Config } from './infrastructure/config/config';
import { UlidIdGenerator } from './infrastructure/ids/ulid-id-generator';
import { batchingScheduler } from './infrastructure/flush-scheduler';
import { createLogger } from './infrastructure/logging/logger';
import { Metrics } from './infrastructure/metrics/metrics';
import { CoinApiRateSource } from './infrastructure/rates/coinapi-rate-source';
import { DedupingRateSource, RATE_HEARTBEAT_MS } from './infrastructure/rates/deduping-rate-source';
import { reportQuote } from './infrastructure/rates/report-quote';
import { SimulatedRateSource } from './infrastructure/rates/simulated-rate-source';
import { readinessOf } from './infrastructure/readiness-of';
import { SystemClock } from './infrastructure/system-clock';
import { TOKENS } from './tokens';

/**
 * The composition root: the only place that knows every concrete class. Tests
 * call it with their own config and rebind the edges (bus, rate source, clock).
 */
export function createContainer(config: Config): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toDynamicValue(() => createLogger(config.logLevel));
  c.bind(TOKENS.Clock).toConstantValue(new SystemClock());
  c.bind(TOKENS.IdGenerator).toDynamicValue(() => new UlidIdGenerator());
  c.bind(Metrics).toDynamicValue(() => new Metrics());
  c.bind(TOKENS.FlushScheduler).toConstantValue(batchingScheduler());
  c.bind(TOKENS.EventBus).toDynamicValue((ctx) => createBus(config, ctx));
  c.bind(CountingEventBus).toDynamicValue((ctx) => {
    const metrics = ctx.get(Metrics);
    return new CountingEventBus(ctx.get(TOKENS.EventBus), () => metrics.eventsPublished.inc());
  });
  c.bind(TOKENS.RateSource).toDynamicValue((ctx) => createRateSource(config, ctx));
  c.bind(SweepPool).toDynamicValue((ctx) => createSweepPool(config, ctx));
  c.bind(Broker).toDynamicValue((ctx) => {
    const metrics = ctx.get(Metrics);
    const logger = ctx.get(TOKENS.Logger);
    const fanOut = directFanOut(ctx.get(SweepPool), (errors) => {
      for (const [code, count] of errors) metrics.fanOutWriteErrors.inc({ code }, count);
      logger.error({ errors: Object.fromEntries(errors) }, 'fan-out writes failed as no live socket can: a bug');
    });
    const broker = new Broker(eventFrame, config.historySize, metrics, ctx.get(TOKENS.FlushScheduler), fanOut);
    metrics.countClientsWith(() => broker.size);
    return broker;
  });
  c.bind(Subscribe).toDynamicValue((ctx) => new Subscribe(ctx.get(Broker), config.maxClients));
  c.bind(BroadcastMessage).toDynamicValue(
    (ctx) => new BroadcastMessage(ctx.get(CountingEventBus), ctx.get(TOKENS.IdGenerator), ctx.get(TOKENS.Clock)),
  );
  c.bind(IngestRate).toDynamicValue(
    (ctx) => new IngestRate(ctx.get(CountingEventBus), ctx.get(TOKENS.IdGenerator), ctx.get(TOKENS.Clock)),
  );
  c.bind(RateFeed).toDynamicValue((ctx) => createFeed(ctx));
  c.bind(HttpServer).toDynamicValue((ctx) => createHttpServer(config, ctx));
  c.bind(Service).toDynamicValue((ctx) => createService(config, ctx));
  return c;
}

function createService(config: Config, ctx: ResolutionContext): Service {
  return new Service({
    bus: ctx.get(TOKENS.EventBus),
    http: ctx.get(HttpServer),
    logger: ctx.get(TOKENS.Logger),
    broker: servesStreams(config) ? ctx.get(Broker) : undefined,
    sweeps: servesStreams(config) ? ctx.get(SweepPool) : undefined,
    heartbeatMs: config.heartbeatMs,
    feed: ctx.get(TOKENS.RateSource) === undefined ? undefined : ctx.get(RateFeed),
  });
}

/**
 * By default one helper thread per CPU beyond the first, up to three: the fan-out
 * is write syscalls, which run in parallel. They start at the first large fan-out.
 */
function createSweepPool(config: Config, ctx: ResolutionContext): SweepPool {
  const logger = ctx.get(TOKENS.Logger);
  const helpers = config.fanOutThreads ?? Math.min(3, availableParallelism() - 1);
  const pool = new SweepPool(helpers, (error) => logger.error({ err: error }, 'fan-out helper thread failed'));
  ctx.get(Metrics).countSweepsWith(pool);
  return pool;
}

const servesStreams = (config: Config): boolean => config.role !== 'fetcher';
const fetchesRates = (config: Config): boolean => config.role !== 'server' && config.rateSource !== 'off';

function createBus(config: Config, ctx: ResolutionContext): EventBus {
  const logger = ctx.get(TOKENS.Logger);
  if (config.amqpUrl === undefined) return new InMemoryEventBus(logger);
  // Room for the largest broadcast body re-encoded in its envelope, so no replica drops what the broker confirmed.
  const maxMessageBytes = Math.max(1_048_576, config.maxBodyBytes * 2 + 4_096);
  return new AmqpEventBus(
    { url: config.amqpUrl, exchange: config.amqpExchange, maxMessageBytes },
    logger,
    ctx.get(Metrics),
  );
}

function createRateSource(config: Config, ctx: ResolutionContext): RateSource | undefined {
  if (!fetchesRates(config)) return undefined;
  const clock = ctx.get(TOKENS.Clock);
  if (config.rateSource !== 'coinapi') return new SimulatedRateSource(config.ratePairs, config.rateIntervalMs, clock);
  // loadConfig refuses coinapi without a key; getting here without one is a bug
  if (config.coinApiKey === undefined) throw new Error('RATE_SOURCE=coinapi needs COIN_API_KEY');
  const settings = {
    url: config.coinApiUrl,
    key: config.coinApiKey,
    pairs: config.ratePairs,
    intervalMs: config.rateIntervalMs,
  };
  const parts = { logger: ctx.get(TOKENS.Logger), metrics: ctx.get(Metrics), clock };
  return new DedupingRateSource(new CoinApiRateSource(settings, parts), RATE_HEARTBEAT_MS, clock);
}

function createFeed(ctx: ResolutionContext): RateFeed {
  const source = ctx.get(TOKENS.RateSource);
  if (source === undefined) throw new Error('no rate source is configured');
  return new RateFeed(source, ctx.get(IngestRate), reportQuote(ctx.get(TOKENS.Logger), ctx.get(Metrics)));
}

function createHttpServer(config: Config, ctx: ResolutionContext): HttpServer {
  const metrics = ctx.get(Metrics);
  const bus = ctx.get(TOKENS.EventBus);
  const source = ctx.get(TOKENS.RateSource);
  const observeRequest: RequestObserver = (method, route, status) =>
    metrics.httpRequests.inc({ method, route, status });
  const handle = servesStreams(config) ? streamHandler(ctx.get(Subscribe), config) : undefined;
  const app = createApp({
    logger: ctx.get(TOKENS.Logger),
    observeRequest,
    ops: {
      // SPEC.md: a stream server is ready when its bus is; only a fetcher also answers for its rates.
      readiness: () =>
        readinessOf([
          bus.readiness(),
          ...(config.role === 'fetcher' && source !== undefined ? [source.readiness()] : []),
        ]),
      metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    },
    streams: handle === undefined ? undefined : { handle, broadcast: ctx.get(BroadcastMessage), options: config },
  });
  const logger = ctx.get(TOKENS.Logger);
  const onError = (error: unknown): void => logger.error({ err: error }, 'stream handshake failed');
  const fastPath = handle === undefined ? undefined : streamFastPath(handle, observeRequest, onError);
  return new HttpServer(app, config.host, config.port, fastPath);
}
