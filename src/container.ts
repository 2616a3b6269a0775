import { availableParallelism } from 'node:os';
import { Container, type ResolutionContext } from 'inversify';
import { AuthenticateSubscriber } from './application/authenticate.use-case';
import { BroadcastMessage } from './application/broadcast-message.use-case';
import { FanOutFromBus } from './application/fan-out-from-bus';
import { IngestRate } from './application/ingest-rate.use-case';
import { KeyedPublishes } from './application/keyed-publishes';
import type { RateSource } from './application/ports/rate-source.port';
import { RateFeed } from './application/rate-feed';
import { RunState } from './application/run-state';
import { Subscribe } from './application/subscribe.use-case';
import { Broker } from './domain/broker';
import { writeEachSink, type FanOutWriter } from './domain/fan-out-writer';
import type { EventLog } from './domain/event-log';
import { IDEMPOTENCY_WINDOW_MS, IdempotencyLedger } from './domain/idempotency';
import { createTokenVerifier } from './infrastructure/auth/create-token-verifier';
import { AmqpEventBus } from './infrastructure/bus/amqp-event-bus';
import type { EventBus } from './infrastructure/bus/event-bus';
import { InMemoryEventBus } from './infrastructure/bus/in-memory-event-bus';
import { StreamEventLog } from './infrastructure/bus/stream-event-log';
import { streamOptionsOf } from './infrastructure/bus/stream-options';
import type { Config } from './infrastructure/config/config';
import { batchingScheduler } from './infrastructure/flush-scheduler';
import { UlidIdGenerator } from './infrastructure/ids/ulid-id-generator';
import { createLogger } from './infrastructure/logging/logger';
import { brokerReport } from './infrastructure/metrics/broker-report';
import { countPublished } from './infrastructure/metrics/count-published';
import { Metrics } from './infrastructure/metrics/metrics';
import { CoinApiRateSource } from './infrastructure/rates/coinapi-rate-source';
import { DedupingRateSource, RATE_HEARTBEAT_MS } from './infrastructure/rates/deduping-rate-source';
import { reportQuote } from './infrastructure/rates/report-quote';
import { SimulatedRateSource } from './infrastructure/rates/simulated-rate-source';
import { readinessOf } from './infrastructure/readiness-of';
import { SystemClock } from './infrastructure/system-clock';
import { createApp, type RequestObserver } from './interfaces/http/app';
import { HttpServer, REQUEST_DEADLINE_MS } from './interfaces/http/http-server';
import { streamFastPath } from './interfaces/http/routes/stream.fast-path';
import { streamHandler } from './interfaces/http/routes/stream.handler';
import { directFanOutWriter } from './interfaces/http/sse/fanout/direct-fan-out-writer';
import { SweepPool } from './interfaces/http/sse/fanout/sweep-pool';
import { sseFramer } from './interfaces/http/sse/sse-frames';
import { Service } from './service';
import { TOKENS } from './tokens';

/** A client that takes no byte for this long is dropped, whatever the slow-client policy. */
const STALL_MS = 60_000;
/** How long a keyed broadcast waits for its event to come back through the stream before answering 503. */
const ECHO_TIMEOUT_MS = 5_000;

/**
 * The composition root: the only place that knows every concrete class. Tests call it with their own
 * config and rebind the edges (bus, rate source, clock, ids, logger, scheduler).
 */
export function createContainer(config: Config): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toDynamicValue(() => createLogger(config.logLevel));
  c.bind(TOKENS.Clock).toConstantValue(new SystemClock());
  c.bind(TOKENS.IdGenerator).toDynamicValue(() => new UlidIdGenerator());
  c.bind(Metrics).toDynamicValue(() => new Metrics());
  c.bind(RunState).toConstantValue(new RunState());
  c.bind(TOKENS.FlushScheduler).toConstantValue(batchingScheduler());
  c.bind(TOKENS.RequestDeadlineMs).toConstantValue(REQUEST_DEADLINE_MS);
  c.bind(TOKENS.EventBus).toDynamicValue((ctx) => createBus(config, ctx));
  c.bind(TOKENS.EventPublisher).toDynamicValue((ctx) => countPublished(ctx.get(TOKENS.EventBus), ctx.get(Metrics)));
  c.bind(TOKENS.TokenVerifier).toDynamicValue((ctx) =>
    createTokenVerifier(config, {
      logger: ctx.get(TOKENS.Logger),
      clock: ctx.get(TOKENS.Clock),
      onFetchError: () => ctx.get(Metrics).jwksFetchErrors.inc(),
    }),
  );
  c.bind(TOKENS.RateSource).toDynamicValue((ctx) => createRateSource(config, ctx));
  bindCore(c, config);
  return c;
}

/** The core and the driving side: broker, use-cases, HTTP, the service. */
function bindCore(c: Container, config: Config): void {
  c.bind(IdempotencyLedger).toDynamicValue((ctx) => new IdempotencyLedger(nowOf(ctx)));
  c.bind(KeyedPublishes).toConstantValue(new KeyedPublishes());
  c.bind(SweepPool).toDynamicValue((ctx) => createSweepPool(config, ctx));
  c.bind(TOKENS.FanOutWriter).toDynamicValue((ctx) => createWriter(config, ctx));
  c.bind(Broker).toDynamicValue((ctx) => createBroker(config, ctx));
  c.bind(FanOutFromBus).toDynamicValue(
    (ctx) => new FanOutFromBus(ctx.get(Broker), ctx.get(IdempotencyLedger), ctx.get(KeyedPublishes)),
  );
  c.bind(Subscribe).toDynamicValue((ctx) => {
    const state = ctx.get(RunState);
    const limits = { maxClients: config.maxClients, historySize: config.historySize };
    return new Subscribe(ctx.get(Broker), { ...limits, accepting: () => state.accepting });
  });
  c.bind(AuthenticateSubscriber).toDynamicValue((ctx) => {
    const policy = { verifier: ctx.get(TOKENS.TokenVerifier), anonymous: config.anonymous, now: nowOf(ctx) };
    return new AuthenticateSubscriber(policy);
  });
  c.bind(BroadcastMessage).toDynamicValue((ctx) => createBroadcast(config, ctx));
  c.bind(IngestRate).toDynamicValue(
    (ctx) => new IngestRate(ctx.get(TOKENS.EventPublisher), ctx.get(TOKENS.IdGenerator), ctx.get(TOKENS.Clock)),
  );
  c.bind(RateFeed).toDynamicValue((ctx) => createFeed(ctx));
  c.bind(HttpServer).toDynamicValue((ctx) => createHttpServer(config, ctx));
  c.bind(Service).toDynamicValue((ctx) => createService(config, ctx));
}

const nowOf = (ctx: ResolutionContext): (() => number) => {
  const clock = ctx.get(TOKENS.Clock);
  return () => clock.now();
};
const servesStreams = (config: Config): boolean => config.role !== 'fetcher';
const fetchesRates = (config: Config): boolean => config.role !== 'server' && config.rateSource !== 'off';

function createService(config: Config, ctx: ResolutionContext): Service {
  const streams = servesStreams(config)
    ? {
        broker: ctx.get(Broker),
        fromBus: ctx.get(FanOutFromBus),
        sweeps: config.fanOut === 'direct' ? ctx.get(SweepPool) : undefined,
        heartbeatMs: config.heartbeatMs,
      }
    : undefined;
  return new Service({
    bus: ctx.get(TOKENS.EventBus),
    http: ctx.get(HttpServer),
    logger: ctx.get(TOKENS.Logger),
    state: ctx.get(RunState),
    verifier: ctx.get(TOKENS.TokenVerifier),
    streams,
    feed: ctx.get(TOKENS.RateSource) === undefined ? undefined : ctx.get(RateFeed),
  });
}

function createBroker(config: Config, ctx: ResolutionContext): Broker {
  const metrics = ctx.get(Metrics);
  const ledger = ctx.get(IdempotencyLedger);
  const conflate = config.conflateTopics;
  const broker = new Broker(
    {
      framer: sseFramer,
      observer: brokerReport(metrics, ctx.get(TOKENS.Logger)),
      writer: ctx.get(TOKENS.FanOutWriter),
      schedule: ctx.get(TOKENS.FlushScheduler),
      now: nowOf(ctx),
      log: createEventLog(config, ctx),
      droppedFromLog: (event) => ledger.wasDropped(event.id),
    },
    {
      historySize: config.historySize,
      historyBytes: config.historyBytes,
      conflates: conflate === undefined ? undefined : (topic) => conflate.matches(topic),
      catchUp: {
        clientBufferBytes: config.clientBufferBytes,
        // What all slow clients together may hold: MAX_CLIENTS × CLIENT_BUFFER_BYTES is no bound at all.
        totalBufferBytes: Math.max(256 * 1024 * 1024, 4 * config.clientBufferBytes),
        stallMs: STALL_MS,
      },
    },
  );
  metrics.countClientsWith(broker);
  return broker;
}

function createWriter(config: Config, ctx: ResolutionContext): FanOutWriter {
  if (config.fanOut !== 'direct') return writeEachSink;
  const metrics = ctx.get(Metrics);
  const logger = ctx.get(TOKENS.Logger);
  return directFanOutWriter(ctx.get(SweepPool), (errors) => {
    for (const [code, count] of errors) metrics.fanOutWriteErrors.inc({ code }, count);
    logger.error({ errors: Object.fromEntries(errors) }, 'fan-out writes failed as no live socket can: a bug');
  });
}

/**
 * By default one helper thread per CPU beyond the first, up to three: the fan-out is write syscalls, which
 * run in parallel. They start at the first large fan-out.
 */
function createSweepPool(config: Config, ctx: ResolutionContext): SweepPool {
  const logger = ctx.get(TOKENS.Logger);
  const helpers = config.fanOutThreads ?? Math.min(3, availableParallelism() - 1);
  const pool = new SweepPool(helpers, (error) => logger.error({ err: error }, 'fan-out helper thread failed'));
  ctx.get(Metrics).countSweepsWith(pool);
  return pool;
}

function createBus(config: Config, ctx: ResolutionContext): EventBus {
  const logger = ctx.get(TOKENS.Logger);
  if (config.amqpUrl === undefined) return new InMemoryEventBus(logger);
  const stream = streamOptionsOf(config, IDEMPOTENCY_WINDOW_MS);
  const options = { url: config.amqpUrl, exchange: config.amqpExchange, stream };
  return new AmqpEventBus(options, logger, ctx.get(Metrics));
}

/** AMQP_QUEUE=stream with RabbitMQ: replicas share one durable stream, its order and its past. */
const streamMode = (config: Config): boolean => config.amqpUrl !== undefined && config.amqpQueue === 'stream';

/** The stream, for replays older than the history: stream mode only. */
function createEventLog(config: Config, ctx: ResolutionContext): EventLog | undefined {
  if (!streamMode(config)) return undefined;
  const bus = ctx.get(TOKENS.EventBus);
  return bus instanceof AmqpEventBus ? new StreamEventLog(() => bus.replay) : undefined;
}

function createBroadcast(config: Config, ctx: ResolutionContext): BroadcastMessage {
  const state = ctx.get(RunState);
  const parts = {
    publisher: ctx.get(TOKENS.EventPublisher),
    ids: ctx.get(TOKENS.IdGenerator),
    clock: ctx.get(TOKENS.Clock),
    ledger: ctx.get(IdempotencyLedger),
    keyed: ctx.get(KeyedPublishes),
  };
  return new BroadcastMessage(parts, {
    privateAllowed: ctx.get(TOKENS.TokenVerifier) !== undefined,
    // Every replica reads the one stream in one order: the answer waits for the event's turn in it.
    echoThroughBus: streamMode(config),
    echoTimeoutMs: ECHO_TIMEOUT_MS,
    accepting: () => state.accepting,
  });
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
  const logger = ctx.get(TOKENS.Logger);
  const state = ctx.get(RunState);
  const verifier = ctx.get(TOKENS.TokenVerifier);
  const observeRequest: RequestObserver = (method, route, status) =>
    metrics.httpRequests.inc({ method, route, status });
  const onBug = (error: unknown): void => logger.error({ err: error }, 'stream handshake failed');
  // Only what the routes use: the whole config carries secrets (the AMQP password, the CoinAPI key).
  const { retryMs, corsOrigins, heartbeatMs, historySize, publishToken, maxBodyBytes } = config;
  const used = { retryMs, corsOrigins, heartbeatMs, historySize, publishToken, maxBodyBytes, verifier };
  const options = { ...used, directWrites: config.fanOut === 'direct' };
  const handle = servesStreams(config)
    ? streamHandler({ authenticate: ctx.get(AuthenticateSubscriber), subscribe: ctx.get(Subscribe), options, onBug })
    : undefined;
  const app = createApp({
    logger,
    observeRequest,
    shuttingDown: () => !state.accepting,
    ops: { readiness: () => readiness(config, ctx), metrics: () => metrics.exposition() },
    streams: handle === undefined ? undefined : { handle, broadcast: ctx.get(BroadcastMessage), options },
  });
  const fastPath = handle === undefined ? undefined : streamFastPath(handle, observeRequest, onBug);
  return new HttpServer(app, config.host, config.port, fastPath, {
    requestDeadlineMs: ctx.get(TOKENS.RequestDeadlineMs),
  });
}

/** SPEC.md: a stream server is ready when its bus is; a fetcher also answers for its rates; nobody from SIGTERM on. */
function readiness(config: Config, ctx: ResolutionContext): ReturnType<typeof readinessOf> {
  const source = ctx.get(TOKENS.RateSource);
  const verifier = ctx.get(TOKENS.TokenVerifier);
  return readinessOf([
    ctx.get(RunState).accepting ? { ready: true } : { ready: false, reason: 'shutting down' },
    ctx.get(TOKENS.EventBus).readiness(),
    ...(verifier === undefined ? [] : [verifier.readiness()]),
    ...(config.role === 'fetcher' && source !== undefined ? [source.readiness()] : []),
  ]);
}
