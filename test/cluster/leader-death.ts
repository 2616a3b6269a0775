import amqp from 'amqplib';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AmqpEventBus } from '../../src/infrastructure/bus/amqp-event-bus';
import type { Config } from '../../src/infrastructure/config/config';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { TOKENS } from '../../src/tokens';
import { nodesInUse } from '../chaos/node-faults';
import { CLUSTER_URLS, nodeUrl, type NodeNumber, type RabbitMqCluster } from '../chaos/rabbitmq-cluster';
import { RecordingEventSource } from '../support/event-source-client';
import { startService, type RunningService } from '../support/in-process-service';
import { metricValue, readyz } from '../support/replica-set';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';
import { KeyedLoops } from './keyed-loops';

/** JSON log lines written into memory. */
function capturedLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const counter = async (metrics: Metrics, name: 'busFailovers'): Promise<number> =>
  (await metrics[name].get()).values[0]?.value ?? 0;

/**
 * The stream's leader node dies under load. A fetcher declares the stream
 * first (so the leader is on its node: RabbitMQ places it with the declaring
 * connection), replica S is made to start on that same node, replica W
 * starts wherever chance puts it; keyed broadcasts pour into S; then that
 * node is SIGKILLed. Everything observed is kept for the tests to judge.
 */
export class LeaderDeath {
  readonly exchange = `test-cluster-${process.pid}-${Date.now()}`;
  readonly stream = `${this.exchange}.stream`;
  readonly run = `run${Date.now().toString(36)}`;
  readonly logs = capturedLogger();
  node: NodeNumber | undefined;
  leader: NodeNumber | undefined;
  fetcher: ServiceProcess | undefined;
  replica: RunningService | undefined;
  witness: RunningService | undefined;
  clients: RecordingEventSource[] = [];
  loops: KeyedLoops | undefined;
  ratesAfterFailover = 0;

  constructor(private readonly cluster: RabbitMqCluster) {}

  get replicaMetrics(): Metrics {
    return this.replica!.container.get(Metrics);
  }

  async setUp(): Promise<void> {
    this.fetcher = await spawnService({
      ROLE: 'fetcher',
      RATE_SOURCE: 'simulated',
      RATE_PAIRS: 'BTC/USD',
      RATE_INTERVAL_MS: '200',
      AMQP_URL: CLUSTER_URLS,
      AMQP_EXCHANGE: this.exchange,
    });
    const fetcherUrl = this.fetcher.url;
    await eventually(async () => (await readyz(fetcherUrl)).status === 200, 'the fetcher ready', 15_000);
    [this.node] = await nodesInUse([fetcherUrl]);
    this.leader = await this.cluster.leaderOf(this.stream);
    const node = this.node!;
    this.replica = await startService({ amqpUrl: CLUSTER_URLS, amqpExchange: this.exchange }, (c) => {
      c.rebindSync(TOKENS.Logger).toConstantValue(this.logs.logger);
      c.rebindSync(TOKENS.EventBus).toDynamicValue((ctx) =>
        busAt(node, ctx.get(TOKENS.Config), ctx.get(Metrics), this.logs.logger),
      );
    });
    this.witness = await startService({ amqpUrl: CLUSTER_URLS, amqpExchange: this.exchange });
    this.clients = [
      new RecordingEventSource(`${this.replica.url}/api/v1/sso/stream?topic=cluster`),
      new RecordingEventSource(`${this.witness.url}/api/v1/sso/stream?topic=cluster&topic=rates.*`),
    ];
    await Promise.all(this.clients.map((client) => client.waitOpen(10_000)));
  }

  /** Publishes, kills the node, waits for both processes to fail over and for more to come through, stops. */
  async killUnderLoad(): Promise<void> {
    const loops = (this.loops = new KeyedLoops(this.replica!.url, this.run, 6));
    await eventually(() => loops.total >= 30, '30 broadcasts acknowledged before the kill', 15_000);
    await this.cluster.kill(this.node!);
    const fetcherUrl = this.fetcher!.url;
    await eventually(
      async () => (await counter(this.replicaMetrics, 'busFailovers')) >= 1,
      'the replica failover',
      20_000,
    );
    await eventually(
      async () => ((await metricValue(fetcherUrl, 'sse_bus_failovers_total')) ?? 0) >= 1,
      'the fetcher failover',
      20_000,
    );
    const rates = (): number => this.clients[1]!.received.filter((r) => r.data.includes('"asset_id_base"')).length;
    const [acked, ratesBefore] = [loops.total, rates()];
    await eventually(() => loops.total >= acked + 30 && rates() >= ratesBefore + 3, 'more after the failover', 20_000);
    this.ratesAfterFailover = rates() - ratesBefore;
    await loops.stop();
  }

  async tearDown(): Promise<void> {
    this.clients.forEach((client) => client.close());
    await this.loops?.stop();
    await Promise.all([this.replica?.stop(), this.witness?.stop(), this.fetcher?.stop()]);
    const up = await this.cluster.running();
    if (up[0] !== undefined) await deleteNames(nodeUrl(up[0]), this.exchange, this.stream);
    if (this.node !== undefined && !up.includes(this.node)) await this.cluster.restart(this.node);
  }
}

/** The bus createBus would make (stream mode, the cluster's nodes), but starting at `node`. */
function busAt(node: NodeNumber, config: Config, metrics: Metrics, logger: pino.Logger): AmqpEventBus {
  const stream = {
    name: config.amqpStream,
    maxAgeSeconds: config.streamMaxAgeSeconds,
    maxBytes: config.streamMaxBytes,
    historySize: config.historySize,
  };
  const options = { url: CLUSTER_URLS, random: () => (node - 0.5) / 3, exchange: config.amqpExchange, stream };
  return new AmqpEventBus(options, logger, metrics);
}

async function deleteNames(url: string, exchange: string, stream: string): Promise<void> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.deleteQueue(stream);
  await channel.deleteExchange(exchange);
  await connection.close();
}
