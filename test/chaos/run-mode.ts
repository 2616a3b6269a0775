import { performance } from 'node:perf_hooks';
import { eventually } from '../support/wait';
import { SingleNodeBroker, type BrokerNames, type BrokerTarget } from './broker-target';
import { ClientFleet } from './chaos-client';
import type { ChaosOptions, QueueMode } from './chaos-options';
import { ChaosReplicas } from './chaos-replicas';
import { summarize, type ModeFigures } from './chaos-stats';
import { faultSchedule } from './fault-schedule';
import { FaultRunner } from './fault-runner';
import { KeyedPublisher } from './keyed-publisher';
import { pause } from './pause';
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
  readonly broker: BrokerTarget;
  readonly replicas: ChaosReplicas;
  readonly fleet: ClientFleet;
  readonly runId: string;
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

/** Publishes while the faults strike, then settles and counts. */
async function exercise(parts: Parts, options: ChaosOptions, signal: AbortSignal): Promise<Exercised> {
  const { broker, replicas, fleet } = parts;
  const publisher = new KeyedPublisher(() => replicas.urls(), parts.runId, options.rate);
  const faults = new FaultRunner(faultSchedule(options.schedule, options.seed), {
    cut: (n) => broker.cut(n),
    restore: (n) => broker.restore(n),
    kill: async (n) => {
      await replicas.kill(n);
      fleet.markDown(n);
    },
    restart: async (n) => fleet.markUp(n, await replicas.start(n)),
  });
  const publishing = new AbortController();
  const published = publisher.run(AbortSignal.any([signal, publishing.signal]));
  try {
    const faulted = faults.run(signal);
    await pause(options.schedule.publishMs, signal);
    await faulted; // a slow restart may outlast publishMs: publishing goes on until every fault is over
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

/** The report of one mode, and a line for each thing that went wrong beside the figures. */
function reportOf(mode: QueueMode, { fleet, replicas }: Parts, done: Exercised, note: (line: string) => void) {
  if (!done.settled) note(`${mode}: settle timeout: some acknowledged events never arrived`);
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
    retries: done.publisher.retries,
    resets: clients.reduce((n, c) => n + c.resets, 0),
    reconnects: clients.reduce((n, c) => n + Math.max(0, c.opens - 1), 0),
    gaveUp: clients.filter((c) => c.gaveUp).length,
  };
}

/**
 * One mode from start to finish: two replicas on a fresh exchange (and
 * stream), each behind a broker proxy; K clients per replica behind a
 * failover front; the keyed publisher; the seeded faults. Whatever happens,
 * everything started is stopped and the names declared are deleted.
 */
export async function runMode(
  mode: QueueMode,
  options: ChaosOptions,
  signal: AbortSignal,
  note: (line: string) => void,
): Promise<ModeReport> {
  const began = performance.now();
  const runId = `chaos-${mode}-${process.pid}-${Date.now().toString(36)}`;
  const names = { exchange: runId, stream: `${runId}.stream` };
  const broker = await SingleNodeBroker.start(options.schedule.replicas);
  const replicas = new ChaosReplicas(broker, replicaEnv(mode, names));
  let fleet: ClientFleet | undefined;
  try {
    const ports = await Promise.all(Array.from({ length: options.schedule.replicas }, (_, n) => replicas.start(n)));
    fleet = await ClientFleet.open(ports, options.clients, runId);
    note(`${mode}: ${ports.length} replicas ready, ${fleet.clients.length} clients connected; publishing`);
    const parts = { broker, replicas, fleet, runId };
    const done = await exercise(parts, options, signal);
    return { ...reportOf(mode, parts, done, note), seconds: (performance.now() - began) / 1_000 };
  } finally {
    await fleet?.close();
    await replicas.stopAll();
    try {
      await broker.deleteNames(names);
    } finally {
      await broker.close();
    }
  }
}
