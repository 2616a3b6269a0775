import { quantile, type ModeFigures } from './chaos-stats';
import type { QueueMode } from './chaos-options';

/** One mode's run: the judged figures and what else helps to read them. */
export interface ModeReport {
  readonly mode: QueueMode;
  readonly figures: ModeFigures;
  readonly clients: number;
  /** Broker cuts and kills that were carried out. */
  readonly cuts: number;
  readonly kills: number;
  /** RabbitMQ node kills (cluster runs). */
  readonly nodeKills: number;
  /** Publisher attempts that did not get a 202 (503s and connection errors), all retried. */
  readonly retries: number;
  /** `reset` events seen by clients (their Last-Event-ID was not in the history). */
  readonly resets: number;
  /** EventSource opens beyond each client's first. */
  readonly reconnects: number;
  /** Clients whose EventSource closed for good (a non-200 answer). */
  readonly gaveUp: number;
  readonly seconds: number;
}

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(0));

/** p50/max of the pauses at node kills, or '-' when there were none. */
function nodePauses(pauses: readonly number[]): string {
  if (pauses.length === 0) return '-';
  const sorted = [...pauses].sort((a, b) => a - b);
  return `${ms(quantile(sorted, 0.5))}/${ms(sorted.at(-1))}`;
}

const ROWS: readonly [string, (r: ModeReport) => string][] = [
  ['acknowledged events', (r) => String(r.figures.acknowledged)],
  ['clients', (r) => String(r.clients)],
  ['delivered per client min/med/max', ({ figures: { delivered: d } }) => `${d.min}/${d.median}/${d.max}`],
  ['lost (client x event)', (r) => String(r.figures.lostPairs)],
  ['lost (distinct events)', (r) => String(r.figures.lostEvents)],
  ['duplicated (client x event)', (r) => String(r.figures.duplicated)],
  ['out of order', (r) => String(r.figures.outOfOrder)],
  ['pause at faults p50/max (ms)', (r) => `${ms(r.figures.pause.p50)}/${ms(r.figures.pause.max)}`],
  ['pause at the kill (ms)', (r) => ms(r.figures.pause.kill)],
  ['pause at node kills p50/max (ms)', (r) => nodePauses(r.figures.pause.nodeKills)],
  ['faults: cuts, kills, node kills', (r) => `${r.cuts}, ${r.kills}, ${r.nodeKills}`],
  ['publish retries', (r) => String(r.retries)],
  ['reset events', (r) => String(r.resets)],
  ['reconnects', (r) => String(r.reconnects)],
  ['clients given up', (r) => String(r.gaveUp)],
  ['seconds', (r) => r.seconds.toFixed(1)],
];

/** The modes side by side, one row per figure. */
export function formatTable(reports: readonly ModeReport[]): string[] {
  const label = Math.max(...ROWS.map(([name]) => name.length));
  const cells = ROWS.map(([, cell]) => reports.map(cell));
  const width = reports.map((r, n) => Math.max(`AMQP_QUEUE=${r.mode}`.length, ...cells.map((row) => row[n]!.length)));
  const line = (name: string, values: readonly string[]): string =>
    [name.padEnd(label), ...values.map((v, n) => v.padStart(width[n]!))].join('  ').trimEnd();
  return [
    line(
      '',
      reports.map((r) => `AMQP_QUEUE=${r.mode}`),
    ),
    ...ROWS.map(([name], n) => line(name, cells[n]!)),
  ];
}

/** The run that decides the exit code: stream mode when it ran, else nothing is judged. */
export function judgedReport(reports: readonly ModeReport[]): ModeReport | undefined {
  return reports.find((r) => r.mode === 'stream');
}

/** `chaos: <N> acknowledged, <L> lost, <D> duplicated, <O> out of order` (L: client x event pairs). */
export function verdictLine(figures: ModeFigures): string {
  return (
    `chaos: ${figures.acknowledged} acknowledged, ${figures.lostPairs} lost, ` +
    `${figures.duplicated} duplicated, ${figures.outOfOrder} out of order`
  );
}

/** Nothing lost, duplicated or reordered, and something was acknowledged at all (else the run proved nothing). */
export function passes(figures: ModeFigures): boolean {
  return figures.acknowledged > 0 && figures.lostPairs === 0 && figures.duplicated === 0 && figures.outOfOrder === 0;
}
