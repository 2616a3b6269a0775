/**
 * `npm run chaos -- [--cluster] [--profile short|long] [--mode stream|exclusive|both] [--clients K] [--rate R] [--seed S]`
 *
 * Proves or disproves "nothing lost" for the RabbitMQ bus: per mode, two
 * built replicas, broker cuts and a SIGKILL, a keyed publisher, real
 * EventSource clients; then a table of both modes and, last, the stream
 * mode's verdict line. With `--cluster`, against the private three-node
 * cluster (started here unless it runs, stopped after if started here), whose
 * nodes are SIGKILLed and restarted instead of cut. Exit 0 when stream mode
 * lost, duplicated and reordered nothing (exclusive mode is reported, not
 * judged); 1 otherwise; 2 for bad arguments or no broker; 130 when interrupted.
 */
import amqp from 'amqplib';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describeEndpoint } from '../../src/infrastructure/bus/amqp-endpoint';
import { RABBITMQ_URL } from '../support/require-rabbitmq';
import { parseChaosArgs, USAGE, type ChaosOptions } from './chaos-options';
import { killLeftovers } from './chaos-replicas';
import { CLUSTER_SCRIPT, clusterProblem, RabbitMqCluster } from './rabbitmq-cluster';
import { formatTable, judgedReport, passes, verdictLine, type ModeReport } from './report-table';
import { runMode } from './run-mode';

const out = (line: string): boolean => process.stdout.write(`${line}\n`);
const note = (line: string): boolean => process.stderr.write(`${line}\n`);

async function brokerProblem(): Promise<string | undefined> {
  try {
    await (await amqp.connect(RABBITMQ_URL, { timeout: 3_000 })).close();
    return undefined;
  } catch (error) {
    return `no RabbitMQ at ${describeEndpoint(RABBITMQ_URL)}: ${(error as Error).message}`;
  }
}

/**
 * Ctrl-C (or SIGTERM) once: stop and clean up; again, a second or more later:
 * SIGKILL the replicas and leave now. A repeat within the second is the same
 * Ctrl-C relayed by a wrapper (npm, tsx) and must not cut the cleanup short.
 */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  let first = 0;
  const stop = (): void => {
    if (first === 0) {
      first = performance.now();
      note('chaos: interrupted; stopping and cleaning up (Ctrl-C again to leave at once)');
      controller.abort();
    } else if (performance.now() - first > 1_000) {
      process.exit(130); // the 'exit' handler kills the replicas
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

async function runAll(
  options: ChaosOptions,
  signal: AbortSignal,
  cluster: RabbitMqCluster | undefined,
): Promise<ModeReport[] | undefined> {
  const reports: ModeReport[] = [];
  for (const mode of options.modes) {
    const started = performance.now();
    reports.push(await runMode(mode, options, signal, note, cluster));
    if (signal.aborted) return undefined;
    note(`${mode}: done in ${((performance.now() - started) / 1_000).toFixed(1)} s, cleaned up`);
  }
  return reports;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseChaosArgs(argv, () => randomInt(2 ** 31 - 1));
  } catch (error) {
    note(`chaos: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const problem = options.cluster === undefined ? await brokerProblem() : clusterProblem();
  if (problem !== undefined) return (note(`chaos: ${problem}`), 2);
  const signal = interruptible();
  note(
    `chaos: ${options.cluster === undefined ? '' : 'three-node cluster, '}profile ${options.profile}, ` +
      `modes ${options.modes.join(', ')}, ${options.clients} clients per replica, ` +
      `${options.rate}/s, seed ${options.seed} (repeat with --seed ${options.seed})`,
  );
  const reports =
    options.cluster === undefined ? await runAll(options, signal, undefined) : await onCluster(options, signal);
  if (reports === undefined) return 130;
  formatTable(reports).forEach(out);
  const judged = judgedReport(reports);
  out(verdictLine((judged ?? reports.at(-1)!).figures));
  return judged === undefined || passes(judged.figures) ? 0 : 1;
}

/** Starts the cluster (unless it runs), runs every mode on it, and stops it again if it was started here. */
async function onCluster(options: ChaosOptions, signal: AbortSignal): Promise<ModeReport[] | undefined> {
  const cluster = new RabbitMqCluster();
  const started = performance.now();
  note(`chaos: starting the three-node cluster (${CLUSTER_SCRIPT})`);
  await cluster.start();
  note(`chaos: cluster up in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
  owned = cluster;
  try {
    return await runAll(options, signal, cluster);
  } finally {
    owned = undefined;
    await cluster.stop();
  }
}

/** The cluster to stop should the harness leave in a hurry (a second Ctrl-C, an error). */
let owned: RabbitMqCluster | undefined;

process.on('exit', () => {
  killLeftovers();
  owned?.stopNow();
});
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    note(`chaos: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
