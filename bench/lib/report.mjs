// The markdown the user reads: one column per target, one row per figure, and a
// last column comparing the first target (the product) with the baselines.

const BASELINES = ['naive', 'better-sse'];

const k = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e4 ? `${(x / 1e3).toFixed(0)}k` : `${Math.round(x)}`);
const ms = (us) => (us == null ? '–' : `${(us / 1000).toFixed(us < 10_000 ? 2 : us < 100_000 ? 1 : 0)} ms`);
const mb = (kb) => (kb / 1024).toFixed(0);
const bytes = (b) => (b == null ? '–' : b >= 1024 ? `${(b / 1024).toFixed(1)} KB` : `${Math.round(b)} B`);
const fixed = (x, d, unit = '') => (x == null ? '–' : `${x.toFixed(d)}${unit}`);

/** [label, text(r), value(r) for ratios or null] */
const ROWS = [
  ['connections held / failed', (r) => `${r.connected} / ${r.connectFailed}`, null],
  ['completeness (of N×M)', (r) => `${fixed(r.completenessPct, r.completenessPct === 100 ? 0 : 2)} %`, null],
  ['duplicates / gaps', (r) => `${r.dups} / ${r.gaps}`, null],
  ['deliveries/s', (r) => k(r.deliveriesPerS), (r) => r.deliveriesPerS],
  ['latency p50', (r) => ms(r.latencyUs.p50), (r) => r.latencyUs.p50],
  ['latency p99', (r) => ms(r.latencyUs.p99), (r) => r.latencyUs.p99],
  ['latency max', (r) => ms(r.latencyUs.max), (r) => r.latencyUs.max],
  [
    'server RSS before → connected → peak (ratio: peak)',
    (r) => `${mb(r.server.rssBeforeKb)} → ${mb(r.server.rssAfterConnectKb)} → ${mb(r.server.rssPeakKb)} MB`,
    (r) => r.server.rssPeakKb,
  ],
  ['server RSS per idle stream', (r) => bytes(r.server.bytesPerStream), (r) => r.server.bytesPerStream],
  ['server CPU per delivery', (r) => fixed(r.server.cpuUsPerDelivery, 2, ' µs'), (r) => r.server.cpuUsPerDelivery],
  ['load CPU share (workers + driver)', (r) => fixed(r.load.share && r.load.share * 100, 0, ' %'), null],
  ['publish rate achieved', (r) => `${fixed(r.publisher.achievedRate, 1)}/s`, null],
  ['other load on the machine', (r) => fixed(r.machine.otherCores, 2, ' cores'), null],
];

const ratio = (a, b) => (a == null || !b ? null : a / b);
const times = (x) => (x == null ? '–' : `${x.toFixed(x >= 10 ? 0 : 2)}×`);

function notes(r) {
  const out = [];
  if (r.error) return [`failed: ${r.error}`];
  if (r.timedOut) out.push('TIMED OUT, figures partial');
  if (r.connectFailed) out.push(`${r.connectFailed} connections failed (${JSON.stringify(r.connectFailures)})`);
  if (r.disconnects) out.push(`${r.disconnects} streams dropped`);
  if (r.publisher.errors) out.push(`${r.publisher.errors} publish errors (${JSON.stringify(r.publisher.statuses)})`);
  if (r.workersLost) out.push(`${r.workersLost} load workers lost`);
  if (r.machine.otherCores > 0.25) out.push(`noisy: ${r.machine.otherCores.toFixed(2)} cores busy outside the bench`);
  return out;
}

/** The table for a run over several targets (first = the one compared). */
export function comparisonTable(results) {
  const ok = results.filter((r) => !r.error);
  const first = ok[0];
  const bases = ok.filter((r) => r !== first && BASELINES.includes(r.name));
  const compare = first && bases.length > 0;
  const head = ['figure', ...ok.map((r) => r.target)];
  if (compare) head.push(`${first.target} vs baselines`);
  const lines = [
    `| ${head.join(' | ')} |`,
    `|---|${head
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  ];
  for (const [label, text, value] of ROWS) {
    const cells = [label, ...ok.map(text)];
    if (compare)
      cells.push(value ? bases.map((b) => `${times(ratio(value(first), value(b)))} ${b.name}`).join(', ') : '');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const extra = results.flatMap((r) => notes(r).map((n) => `- ${r.target}: ${n}`));
  return [...lines, ...(extra.length ? ['', ...extra] : [])].join('\n');
}

export function header(o, machine) {
  const rates = o.rates
    .map((rate) =>
      rate > 0 ? `${rate}/s` : `full speed (${o.inFlight} request${o.inFlight > 1 ? 's' : ''} in flight)`,
    )
    .join(', ');
  const replicas =
    o.replicas > 0 ? `; ${o.replicas} replicas over RabbitMQ, AMQP_QUEUE ${o.amqpQueues.join(' and ')}` : '';
  return [
    `N = ${o.n} subscribers, M = ${o.ms.join(', ')} events, rate ${rates}, payload ${o.payload} B; ${o.workers} load workers${replicas}`,
    `machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGb} GB, Linux ${machine.kernel}, Node ${machine.node}`,
    'ratios are product ÷ baseline: above 1 is better for deliveries/s, below 1 is better for latency, memory and CPU',
  ].join('\n');
}
