import { performance } from 'node:perf_hooks';
import { eventually } from '../support/wait';
import { SingleNodeBroker, type BrokerNames, type BrokerTarget } from './broker-target';
import { ClientFleet } from './chaos-client';
import type { ChaosOptions, QueueMode } from './chaos-options';
import { ChaosReplicas } from './chaos-replicas';
import { summarize, type ModeFigures } from './chaos-stats';
import { clusterSchedule } from './cluster-schedule';
import { faultSchedule, type FaultAction, type NodeTarget } from './fault-schedule';
import { FaultRunner, type FaultHooks } from './fault-runner';
import { KeyedPublisher } from './keyed-publisher';
import { ClusterBroker, nodesInUse, pickNode } from './node-faults';
import { pause } from './pause';
import type { NodeNumber, RabbitMqCluster } from './rabbitmq-cluster';
import type { ModeReport } from './report-table';

/** The replicas' environment: the mode under test, fresh names, quick client retries. */
function replicaEnv(mode: QueueMode, names: BrokerNames): Record<string, string> {
  return {
    ROLE: 'server',
    RATE_SOURCE: 'off',
    AMQP_EXCHANGE: names.exchange,
    AMQP_QUEUE: mode,
    AMQP_STREAM: names.stream,
    RETRY_MS: '500',
    HEARTBEAT_MS: '1000',
  };
}

interface Parts {
  readonly mode: QueueMode;
  readonly broker: BrokerTarget;
  readonly replicas: ChaosReplicas;
  readonly fleet: ClientFleet;
  readonly runId: string;
  readonly names: BrokerNames;
}

interface Exercised {
  readonly figures: ModeFigures;
  /** Every client got every acknowledged event before the settle timeout. */
  readonly settled: boolean;
  readonly faults: FaultRunner;
  readonly publisher: KeyedPublisher;
}

/** Waits (bounded) until every client has every acknowledged event; false if the time ran out. */
function settle(fleet: ClientFleet, acknowledged: readonly number[], ms: number, signal: AbortSignal) {
  const complete = (): boolean =>
    signal.aborted || fleet.clients.every((c) => c.ledger.countOf(acknowledged) === acknowledged.length);
  return eventually(complete, 'every client to have every acknowledged event', ms).then(
    () => true,
    () => false,
  );
}

/** The node a node fault strikes now: see pickNode. */
async function nodeToKill(parts: Parts, cluster: RabbitMqCluster, target: NodeTarget): Promise<NodeNumber> {
  let leader: NodeNumber | undefined;
  if (parts.mode === 'stream') {
    const stream = parts.names.stream;
    await eventually(
      async () => (leader = await cluster.leaderOf(stream)) !== undefined,
      `a leader of ${stream}`,
      15_000,
    );
  }
  return pickNode(target, leader, await nodesInUse(parts.replicas.urls()));
}

function faultHooks(parts: Parts): FaultHooks {
  const { broker, replicas, fleet } = parts;
  const cluster = broker instanceof ClusterBroker ? broker.cluster : undefined;
  const needsCluster = (): RabbitMqCluster => {
    if (cluster === undefined) throw new Error('node faults need the cluster target');
    return cluster;
  };
  return {
    cut: (n) => broker.cut(n),
    restore: (n) => broker.restore(n),
    kill: async (n) => {
      await replicas.kill(n);
      fleet.markDown(n);
    },
    restart: async (n) => fleet.markUp(n, await replicas.start(n)),
    killNode: async (target) => {
      const node = await nodeToKill(parts, needsCluster(), target);
      await needsCluster().kill(node);
      return node;
    },
    restartNode: (node) => needsCluster().restart(node as NodeNumber),
  };
}

/** The fault plan: the cluster's with `--cluster`, else cuts and a replica kill. */
function planOf(options: ChaosOptions): { plan: FaultAction[]; publishMs: number; tailMs: number } {
  if (options.cluster === undefined) {
    return { plan: faultSchedule(options.schedule, options.seed), publishMs: options.schedule.publishMs, tailMs: 0 };
  }
  const { publishMs, marginMs } = options.cluster;
  return { plan: clusterSchedule(options.cluster, options.seed), publishMs, tailMs: marginMs };
}

/** Publishes while the faults strike, then settles and counts. */
async function exercise(parts: Parts, options: ChaosOptions, signal: AbortSignal): Promise<Exercised> {
  const { replicas, fleet } = parts;
  const publisher = new KeyedPublisher(() => replicas.urls(), parts.runId, options.rate);
  const { plan, publishMs, tailMs } = planOf(options);
  const faults = new FaultRunner(plan, faultHooks(parts));
  const publishing = new AbortController();
  const published = publisher.run(AbortSignal.any([signal, publishing.signal]));
  try {
    const faulted = faults.run(signal);
    await pause(publishMs, signal);
    await faulted; // a slow restart may outlast publishMs: publishing goes on until every fault is over
    await pause(tailMs, signal);
  } finally {
    publishing.abort();
    await published;
  }
  const settled = await settle(fleet, publisher.acknowledged, options.settleMs, signal);
  return {
    settled,
    faults,
    publisher,
    figures: summarize(publisher.acknowledged, fleet.ledgers, faults.windows, performance.now()),
  };
}

/** One line per RabbitMQ node kill: which node, how long it was gone, how long delivery paused. */
function noteNodeKills(mode: QueueMode, done: Exercised, note: (line: string) => void): void {
  const windows = done.faults.windows.filter((w) => w.kind === 'node');
  windows.forEach((w, n) => {
    const pauseMs = done.figures.pause.nodeKills[n] ?? 0;
    const back = ((w.end - w.start) / 1_000).toFixed(1);
    // Exclusive mode has no stream, so no leader: its "leader" kill strikes the node most replicas use.
    const which = w.target === 'other' ? 'non-leader' : mode === 'stream' ? 'leader' : 'busiest node';
    note(
      `${mode}: node kill ${n + 1}: ${which} rmq${w.node} (SIGKILL, back in the cluster ${back} s later): ` +
        `delivery paused ${pauseMs.toFixed(0)} ms`,
    );
  });
}

/** The report of one mode, and a line for each thing that went wrong beside the figures. */
function reportOf(mode: QueueMode, { fleet, replicas }: Parts, done: Exercised, note: (line: string) => void) {
  noteNodeKills(mode, done, note);
  if (!done.settled) note(`${mode}: settle timeout: some acknowledged events never arrived`);
  for (const [outcome, count] of done.publisher.failures) note(`${mode}: broadcast answer ${outcome}: ${count}x`);
  note(`${mode}: slowest broadcast answer ${done.publisher.slowestMs.toFixed(0)} ms`);
  if (done.publisher.unexpected !== undefined)
    note(`${mode}: unexpected broadcast answer: ${done.publisher.unexpected}`);
  for (const exit of replicas.unexpectedExits()) note(`${mode}: replica exited on its own: ${exit}`);
  const clients = fleet.clients;
  return {
    mode,
    figures: done.figures,
    clients: clients.length,
    cuts: done.faults.cuts,
    kills: done.faults.kills,
    nodeKills: done.faults.nodeKills,
    retries: done.publisher.retries,
    resets: clients.reduce((n, c) => n + c.resets, 0),
    reconnects: clients.reduce((n, c) => n + Math.max(0, c.opens - 1), 0),
    gaveUp: clients.filter((c) => c.gaveUp).length,
  };
}

/**
 * One mode from start to finish: two replicas on a fresh exchange (and
 * stream), each behind a broker proxy (or, with `--cluster`, given every node
 * of `cluster`, which must run); K clients per replica behind a failover
 * front; the keyed publisher; the seeded faults. Whatever happens,
 * everything started is stopped and the names declared are deleted.
 */
export async function runMode(
  mode: QueueMode,
  options: ChaosOptions,
  signal: AbortSignal,
  note: (line: string) => void,
  cluster?: RabbitMqCluster,
): Promise<ModeReport> {
  const began = performance.now();
  const runId = `chaos-${mode}-${process.pid}-${Date.now().toString(36)}`;
  const names = { exchange: runId, stream: `${runId}.stream` };
  if (options.cluster !== undefined && cluster === undefined) throw new Error('--cluster needs a running cluster');
  const broker =
    options.cluster === undefined || cluster === undefined
      ? await SingleNodeBroker.start(options.schedule.replicas)
      : new ClusterBroker(cluster);
  const replicas = new ChaosReplicas(broker, replicaEnv(mode, names));
  let fleet: ClientFleet | undefined;
  try {
    const ports = await Promise.all(Array.from({ length: options.schedule.replicas }, (_, n) => replicas.start(n)));
    fleet = await ClientFleet.open(ports, options.clients, runId);
    note(`${mode}: ${ports.length} replicas ready, ${fleet.clients.length} clients connected; publishing`);
    const parts = { mode, broker, replicas, fleet, runId, names };
    const done = await exercise(parts, options, signal);
    return { ...reportOf(mode, parts, done, note), seconds: (performance.now() - began) / 1_000 };
  } catch (error) {
    for (const exit of replicas.unexpectedExits()) note(`${mode}: replica exited on its own: ${exit}`);
    throw error;
  } finally {
    await fleet?.close();
    await replicas.stopAll();
    replicas.keepLogs(runId);
    try {
      await broker.deleteNames(names);
    } finally {
      await broker.close();
    }
  }
}
