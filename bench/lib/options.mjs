// Command line of `npm run bench` (node bench/run.mjs).
import { TARGET_NAMES } from './targets.mjs';

export const USAGE = `usage: npm run bench -- [options]      (or: node bench/run.mjs [options])

  --n 10000          subscribers (at most 19,900 per server process)
  --m 200            events published; with a list of rates, a list too (one per rate), or one for all
  --rate 0           events per second; 0 = as fast as the server answers (one request in flight).
                     With --replicas, a comma list: every rate is run (default 5,200,0)
  --payload 100      bytes of each published body (padded)
  --in-flight 1      publishing connections, one request in flight on each (more keep a high --rate
                     when one answer takes longer than the interval; events may then arrive out of order)
  --targets product,naive,better-sse
  --workers 4        load worker processes (raised so that none holds more than 9,000 sockets)
  --timeout 120      hard limit in seconds for each target (connect + publish + drain)
  --idle 3           end the drain when nothing arrived for this many seconds
  --replicas K       the product as K ROLE=server replicas over RabbitMQ, subscribers spread
                     over the K ports, publishing to the first; then the same workload
                     (N/K subscribers) on one in-memory replica, for the latency the bus adds.
                     Baselines are not run.
  --amqp-queue stream,exclusive
                     with --replicas: the AMQP_QUEUE modes to run, each on a fresh exchange, side by side
  --floor auto       with --replicas: also measure the bus alone in one process (AmqpEventBus in each
                     mode, and a bare amqplib consumer of the stream: RabbitMQ's floor) at every rate
                     but 0, over --m events; auto = when stream is among the modes; yes | no
  --amqp-url URL     broker for --replicas (default $AMQP_URL or amqp://guest:guest@127.0.0.1:5672)
  --out FILE         where to write the JSON (default bench/results/<time>.json)
  --help
`;

const NUMERIC = ['n', 'payload', 'workers', 'timeout', 'idle', 'replicas', 'inFlight'];
const MODES = ['stream', 'exclusive'];

export function parseOptions(argv) {
  const o = {
    n: 10_000, m: '200', rate: '0', payload: 100, targets: 'product,naive,better-sse', workers: 4, timeout: 120,
    idle: 3, replicas: 0, amqpUrl: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672', out: null,
    amqpQueue: 'stream,exclusive', floor: 'auto', inFlight: 1, help: false, given: new Set(),
  }; // prettier-ignore
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (key === 'help' || flag === '-h') {
      o.help = true;
      continue;
    }
    if (!flag.startsWith('--') || !(key in o) || key === 'given')
      throw new Error(`unknown option ${argv[i]}\n\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    o.given.add(key);
    if (NUMERIC.includes(key)) {
      const v = Number(value);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${flag}: not a number ≥ 0: ${value}`);
      o[key] = v;
    } else o[key] = value;
  }
  return validate(o);
}

const list = (text) =>
  String(text)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

function validate(o) {
  o.targets = list(o.targets);
  for (const t of o.targets)
    if (!TARGET_NAMES.includes(t)) throw new Error(`--targets: unknown ${t} (known: ${TARGET_NAMES.join(', ')})`);
  o.inFlight = Math.floor(o.inFlight);
  for (const k of ['n', 'workers', 'timeout', 'inFlight'])
    if (!(o[k] >= 1)) throw new Error(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be at least 1`);
  o.n = Math.floor(o.n);
  o.replicas = Math.floor(o.replicas);
  if (o.replicas > 0) {
    o.targets = ['product'];
    if (!o.given.has('rate')) o.rate = '5,200,0';
  }
  o.rates = list(o.rate).map((r) => {
    const v = Number(r);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--rate: not a number ≥ 0: ${r}`);
    return v;
  });
  if (o.rates.length === 0 || (o.rates.length > 1 && o.replicas === 0))
    throw new Error('--rate: one rate, or with --replicas a comma list of rates');
  o.rate = o.rates[0];
  const ms = list(o.m).map(Number);
  if (ms.length !== 1 && ms.length !== o.rates.length) throw new Error('--m: one count, or one per rate of --rate');
  if (!ms.every((m) => Number.isFinite(m) && m >= 1)) throw new Error(`--m must be at least 1: ${o.m}`);
  o.ms = o.rates.map((_, i) => Math.floor(ms[ms.length === 1 ? 0 : i]));
  o.m = o.ms[0];
  o.amqpQueues = list(o.amqpQueue);
  for (const q of o.amqpQueues)
    if (!MODES.includes(q)) throw new Error(`--amqp-queue: unknown ${q} (known: ${MODES.join(', ')})`);
  if (!['auto', 'yes', 'no'].includes(o.floor)) throw new Error(`--floor: auto, yes or no, not ${o.floor}`);
  o.floor = o.replicas > 0 && (o.floor === 'yes' || (o.floor === 'auto' && o.amqpQueues.includes('stream')));
  const perProcess = Math.ceil(o.n / Math.max(1, o.replicas));
  if (perProcess > 19_900)
    throw new Error(
      `${perProcess} streams in one server process: the limit here is ~19,900 (20,000 open files); use --replicas`,
    );
  o.workers = Math.max(Math.floor(o.workers), Math.ceil(o.n / 9000));
  return o;
}
