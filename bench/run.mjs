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
import { comparisonTable, header, replicasTable } from './lib/report.mjs';
import { machineInfo } from './lib/sampler.mjs';
import { runTarget } from './lib/scenario.mjs';
import { ROOT, brokerReachable, deleteExchange, describe } from './lib/targets.mjs';

const stamp = new Date()
  .toISOString()
  .replace(/[:.]/g, '-')
  .replace(/-\d{3}Z$/, 'Z');

/** The runs to make: the named targets, or K replicas and the in-memory reference. */
function plan(o) {
  if (o.replicas === 0) return o.targets.map((name) => ({ target: describe({ name }), n: o.n }));
  const exchange = `sse-bench-${stamp}-${randomBytes(3).toString('hex')}`;
  return [
    { target: describe({ name: 'product', replicas: o.replicas, amqpUrl: o.amqpUrl, exchange }), n: o.n },
    { target: describe({ name: 'product' }), n: Math.ceil(o.n / o.replicas) },
  ];
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
  for (const [i, r] of runs.entries()) {
    const res = await runTarget(
      r.target,
      { ...o, n: r.n },
      { progress, index: i + 1, count: runs.length, src: sources(o, i) },
    );
    results.push(res);
    progress.log(
      `${res.target}: ${res.error ? `failed: ${res.error}` : `${Math.round(res.deliveriesPerS)} deliveries/s`}`,
    );
  }
  progress.clear();
  const exchange = runs[0].target.exchange;
  const exchangeDeleted = exchange ? await deleteExchange(o.amqpUrl, exchange) : null;
  const table = o.replicas > 0 ? replicasTable(results, o) : comparisonTable(results);
  const text = `${header(o, machine)}\n\n${table}\n`;
  const file = o.out ? path.resolve(o.out) : path.join(ROOT, 'bench', 'results', `${stamp}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { given, ...options } = o;
  const json = {
    startedAt: stamp,
    machine,
    options: { ...options, given: [...given] },
    exchange,
    exchangeDeleted,
    results,
    table: text,
  };
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${text}\nfull results: ${path.relative(process.cwd(), file)}\n`);
  if (results.some((r) => r.error || r.timedOut || r.completenessPct < 100)) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (e) => {
    process.stderr.write(`\nbench: ${e.message}\n`);
    process.exit(2);
  },
);
