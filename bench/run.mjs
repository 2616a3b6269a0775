#!/usr/bin/env node
// `npm run bench`: the fan-out benchmark. Runs the same workload against the
// product and the two baselines under bench/baselines/ (one after the other, each
// started fresh), prints a markdown table with ratios and writes the JSON under
// bench/results/. See `node bench/run.mjs --help`.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { USAGE, parseOptions } from './lib/options.mjs';
import { installCleanup } from './lib/processes.mjs';
import { Progress } from './lib/progress.mjs';
import { measureBusLatency } from './lib/bus-latency.mjs';
import { modesReport } from './lib/modes-report.mjs';
import { comparisonTable, header } from './lib/report.mjs';
import { machineInfo } from './lib/sampler.mjs';
import { runTarget } from './lib/scenario.mjs';
import { ROOT, brokerReachable, deleteExchange, describe } from './lib/targets.mjs';

const stamp = new Date()
  .toISOString()
  .replace(/[:.]/g, '-')
  .replace(/-\d{3}Z$/, 'Z');

/**
 * The runs to make: the named targets; or, for each rate, K replicas in each AMQP_QUEUE mode (each on an
 * exchange of its own) and the in-memory reference with the same share of subscribers per process.
 */
function plan(o) {
  if (o.replicas === 0) return o.targets.map((name) => ({ target: describe({ name }), n: o.n, rate: o.rate, m: o.m }));
  const { replicas, amqpUrl } = o;
  return o.rates.flatMap((rate, i) => [
    ...o.amqpQueues.map((amqpQueue) => {
      const exchange = `sse-bench-${stamp}-${amqpQueue}-${randomBytes(3).toString('hex')}`;
      return {
        target: describe({ name: 'product', replicas, amqpUrl, exchange, amqpQueue }),
        n: o.n,
        rate,
        m: o.ms[i],
      };
    }),
    { target: describe({ name: 'product' }), n: Math.ceil(o.n / replicas), rate, m: o.ms[i] },
  ]);
}

/** The bus alone at every rate but 0, in each mode (lib/bus-latency.mjs); a failure is recorded. */
async function measureFloor(o, progress) {
  const rows = [];
  for (const [i, rate] of o.rates.entries()) {
    if (rate === 0) continue;
    for (const mode of o.amqpQueues) {
      progress.set(`[bus alone] ${mode} at ${rate}/s`, `${o.ms[i]} events`);
      const row = await measureBusLatency({ url: o.amqpUrl, mode, rate, events: o.ms[i] }).catch((e) => ({
        mode,
        rate,
        error: e.message,
      }));
      rows.push(row);
    }
  }
  return rows;
}

/** Where this invocation's source addresses start: a random block, so the TIME_WAIT ports of an earlier run (or of other tools on 127.0.0.1) are not in the way. */
const SOURCE_OFFSET = Math.floor(Math.random() * 200);

/** Source addresses per run: a fresh block of 127.0.0.x for each target (TIME_WAIT of the previous one). */
function sources(o, i) {
  const count = Math.max(2, Math.ceil(o.n / 10_000));
  return { base: 1 + ((SOURCE_OFFSET + i * count) % (250 - count)), count };
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  if (o.help) return void process.stdout.write(USAGE);
  const progress = new Progress();
  installCleanup(() => progress.log('interrupted: stopping every child process'));
  const machine = machineInfo();
  const runs = plan(o);
  if (o.replicas > 0 && !(await brokerReachable(o.amqpUrl)))
    throw new Error(`--replicas: no RabbitMQ listening at ${new URL(o.amqpUrl).host}`);
  const results = [];
  const exchanges = [];
  for (const [i, r] of runs.entries()) {
    const res = await runTarget(
      r.target,
      { ...o, n: r.n, rate: r.rate, m: r.m },
      { progress, index: i + 1, count: runs.length, src: sources(o, i) },
    );
    Object.assign(res, { rate: r.rate, amqpQueue: r.target.amqpQueue });
    results.push(res);
    if (r.target.exchange)
      exchanges.push({ exchange: r.target.exchange, deleted: await deleteExchange(o.amqpUrl, r.target.exchange) });
    const figure = res.rate > 0 ? `p50 ${(res.latencyUs?.p50 / 1000).toFixed(2)} ms` : '';
    const outcome = res.error ? `failed: ${res.error}` : `${Math.round(res.deliveriesPerS)} deliveries/s ${figure}`;
    progress.log(`${res.target} at ${res.rate > 0 ? `${res.rate}/s` : 'full speed'}: ${outcome}`);
  }
  const floor = o.floor ? await measureFloor(o, progress) : [];
  progress.clear();
  const table = o.replicas > 0 ? modesReport(results, floor, o) : comparisonTable(results);
  const text = `${header(o, machine)}\n\n${table}\n`;
  const file = o.out ? path.resolve(o.out) : path.join(ROOT, 'bench', 'results', `${stamp}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { given, ...options } = o;
  const json = {
    startedAt: stamp,
    machine,
    options: { ...options, given: [...given] },
    exchanges,
    results,
    floor,
    table: text,
  };
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${text}\nfull results: ${path.relative(process.cwd(), file)}\n`);
  const failed = results.some((r) => r.error || r.timedOut || r.completenessPct < 100) || floor.some((f) => f.error);
  if (failed) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (e) => {
    process.stderr.write(`\nbench: ${e.message}\n`);
    process.exit(2);
  },
);
