/**
 * `npm run chaos -- [--profile short|long] [--mode stream|exclusive|both] [--clients K] [--rate R] [--seed S]`
 *
 * Proves or disproves "nothing lost" for the RabbitMQ bus: per mode, two
 * built replicas, broker cuts and a SIGKILL, a keyed publisher, real
 * EventSource clients; then a table of both modes and, last, the stream
 * mode's verdict line. Exit 0 when stream mode lost, duplicated and reordered
 * nothing (exclusive mode is reported, not judged); 1 otherwise; 2 for bad
 * arguments or no broker; 130 when interrupted.
 */
import amqp from 'amqplib';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describeEndpoint } from '../../src/infrastructure/bus/amqp-endpoint';
import { RABBITMQ_URL } from '../support/require-rabbitmq';
import { parseChaosArgs, USAGE, type ChaosOptions } from './chaos-options';
import { killLeftovers } from './chaos-replicas';
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

async function runAll(options: ChaosOptions, signal: AbortSignal): Promise<ModeReport[] | undefined> {
  const reports: ModeReport[] = [];
  for (const mode of options.modes) {
    const started = performance.now();
    reports.push(await runMode(mode, options, signal, note));
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
  const problem = await brokerProblem();
  if (problem !== undefined) return (note(`chaos: ${problem}`), 2);
  const signal = interruptible();
  note(
    `chaos: profile ${options.profile}, modes ${options.modes.join(', ')}, ${options.clients} clients per replica, ` +
      `${options.rate}/s, seed ${options.seed} (repeat with --seed ${options.seed})`,
  );
  const reports = await runAll(options, signal);
  if (reports === undefined) return 130;
  formatTable(reports).forEach(out);
  const judged = judgedReport(reports);
  out(verdictLine((judged ?? reports.at(-1)!).figures));
  return judged === undefined || passes(judged.figures) ? 0 : 1;
}

process.on('exit', killLeftovers);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    note(`chaos: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
