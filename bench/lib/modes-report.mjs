// The --replicas report: for every rate, the AMQP_QUEUE modes side by side (each K replicas over RabbitMQ)
// and one in-memory replica with N/K subscribers; then the figures the stream work is judged by, as
// ratios of rows of this one run, and the bus alone (lib/bus-latency.mjs) with RabbitMQ's own floor.
import { comparisonTable } from './report.mjs';

const ms = (us) => (us == null ? '–' : `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`);
const msOf = (v) => (v == null ? '–' : `${v.toFixed(2)} ms`);
const k = (x) => (x == null ? '–' : x >= 1e4 ? `${(x / 1e3).toFixed(0)}k` : `${Math.round(x)}`);
const rateName = (rate) => (rate > 0 ? `${rate}/s` : 'full speed');
const ok = (r) => r !== undefined && !r.error;

function idsVerdict(r, o) {
  const ids = r.ids;
  if (!ids || ids.compared === 0) return 'not checked (no ids seen)';
  const same = ids.identical ? 'yes' : `NO (${ids.mismatches} differ, e.g. ${JSON.stringify(ids.example)})`;
  return `${same} (${ids.compared} sequence numbers over ${o.replicas} replicas)`;
}

/** One rate: the full comparison table of its runs, and the id check of each replicated run. */
function rateSection(rate, runs, o) {
  const lines = [`### ${rateName(rate)}`, '', comparisonTable(runs), ''];
  for (const r of runs.filter((x) => x.replicas > 0 && ok(x)))
    lines.push(`- ${r.target}: ids identical across replicas: ${idsVerdict(r, o)}`);
  return lines.join('\n');
}

/** The figures compared across modes, one row per rate and figure, with stream ÷ exclusive. */
function summaryTable(results, o) {
  const modes = o.amqpQueues;
  const head = ['rate', 'figure', ...modes.map((m) => `×${o.replicas} ${m}`), 'in memory (N/K)'];
  const both = modes.includes('stream') && modes.includes('exclusive');
  if (both) head.push('stream ÷ exclusive');
  const lines = [
    `| ${head.join(' | ')} |`,
    `|---|---|${head
      .slice(2)
      .map(() => '---:')
      .join('|')}|`,
  ];
  for (const rate of o.rates) {
    const of = (mode) => results.find((r) => r.rate === rate && r.amqpQueue === mode);
    const mem = results.find((r) => r.rate === rate && r.replicas === 0);
    const figures =
      rate > 0
        ? [
            ['latency p50', (r) => r.latencyUs.p50, ms],
            ['latency p99', (r) => r.latencyUs.p99, ms],
            ['publish rate achieved', (r) => r.publisher.achievedRate, (v) => `${v.toFixed(1)}/s`],
          ]
        : [['deliveries/s', (r) => r.deliveriesPerS, k]];
    for (const [label, value, show] of figures) {
      const cell = (r) => (ok(r) ? show(value(r)) : 'failed');
      const cells = [rateName(rate), label, ...modes.map((m) => cell(of(m))), cell(mem)];
      if (both) {
        const [s, e] = [of('stream'), of('exclusive')];
        cells.push(ok(s) && ok(e) && value(e) ? `${(value(s) / value(e)).toFixed(2)}×` : '–');
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** The bus alone, in one process: AmqpEventBus per mode, and the bare consumer of the stream. */
function floorTable(floor) {
  const lines = ['| rate | mode | consumer | n | p50 | p90 | p99 | max |', '|---|---|---|---:|---:|---:|---:|---:|'];
  for (const row of floor) {
    if (row.error) {
      lines.push(`| ${row.rate}/s | ${row.mode} | failed: ${row.error} | | | | | |`);
      continue;
    }
    for (const [name, s] of [
      ['AmqpEventBus', row.bus],
      ['bare amqplib (floor)', row.floor],
    ]) {
      if (s === undefined) continue;
      const cells = [`${row.rate}/s`, row.mode, name, s.n, msOf(s.p50), msOf(s.p90), msOf(s.p99), msOf(s.max)];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** The targets of the stream work, as differences and ratios of rows of this run. */
function verdicts(results, floor, o) {
  const out = [];
  const find = (rate, mode) => results.find((r) => r.rate === rate && r.amqpQueue === mode && ok(r));
  const low = o.rates.filter((r) => r > 0).sort((a, b) => a - b)[0];
  if (low !== undefined && find(low, 'stream') && find(low, 'exclusive')) {
    const add = find(low, 'stream').latencyUs.p50 - find(low, 'exclusive').latencyUs.p50;
    const met = add <= 10_000 ? 'met' : 'NOT met';
    out.push(`- p50 at ${low}/s: stream − exclusive = ${add >= 0 ? '+' : '−'}${ms(Math.abs(add))} (target ≤ +10 ms: ${met})`);
  }
  if (o.rates.includes(0) && find(0, 'stream') && find(0, 'exclusive')) {
    const ratio = find(0, 'stream').deliveriesPerS / find(0, 'exclusive').deliveriesPerS;
    out.push(`- deliveries/s at full speed: stream = ${ratio.toFixed(2)} × exclusive (target ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'})`);
  }
  for (const rate of o.rates.filter((r) => r > 0)) {
    const short = results.filter((r) => r.rate === rate && ok(r) && r.publisher.achievedRate < 0.9 * rate);
    if (short.length > 0)
      out.push(`- at ${rate}/s the publisher fell short (${short.map((r) => `${r.target} ${r.publisher.achievedRate.toFixed(0)}/s`).join(', ')}): ${o.inFlight} request(s) in flight, each answered once confirmed, so those rows are saturated, not ${rate}/s (raise --in-flight)`);
  }
  for (const rate of o.rates.filter((r) => r > 0)) {
    const s = floor.find((f) => f.rate === rate && f.mode === 'stream' && !f.error);
    if (s?.floor)
      out.push(`- bus alone at ${rate}/s: AmqpEventBus in stream mode p50 ${msOf(s.bus.p50)} vs RabbitMQ's floor (bare consumer) ${msOf(s.floor.p50)}: ${(s.bus.p50 - s.floor.p50).toFixed(2)} ms above it`);
  }
  return out.join('\n');
} // prettier-ignore

export function modesReport(results, floor, o) {
  const sections = [
    '## stream vs exclusive (ratios: rows of this run)',
    '',
    summaryTable(results, o),
    '',
    verdicts(results, floor, o),
  ];
  if (floor.length > 0) sections.push('', '### the bus alone, one process', '', floorTable(floor));
  for (const rate of o.rates)
    sections.push(
      '',
      rateSection(
        rate,
        results.filter((r) => r.rate === rate),
        o,
      ),
    );
  return sections.join('\n');
}
