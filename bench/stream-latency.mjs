// Added latency of AMQP_QUEUE=stream against AMQP_QUEUE=exclusive, at low rates: the bus alone
// (lib/bus-latency.mjs), with a bare amqplib consumer of the stream as the floor. `npm run bench --
// --replicas K` runs the same measurement next to the service-level one; this is the quick standalone.
//
//   npm run build && node bench/stream-latency.mjs [--events 200] [--rates 5,200] [--url amqp://...]
import { parseArgs } from 'node:util';
import { measureBusLatency } from './lib/bus-latency.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200' },
    rates: { type: 'string', default: '5,200' },
    url: { type: 'string', default: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' },
  },
});
const events = Number(values.events);
const rows = [];
for (const rate of values.rates.split(',').map(Number)) {
  for (const mode of ['exclusive', 'stream'])
    rows.push(await measureBusLatency({ url: values.url, mode, rate, events }));
}
const ms = (v) => (v === undefined ? '-' : v.toFixed(1));
console.log(`\n${events} events per run; latency in ms from publish() to the listener\n`);
console.log('| mode | rate/s | consumer | n | p50 | p90 | p99 | max |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  for (const [name, stats] of [
    ['AmqpEventBus', row.bus],
    ['bare amqplib (floor)', row.floor],
  ]) {
    if (stats === undefined) continue;
    console.log(
      `| ${row.mode} | ${row.rate} | ${name} | ${stats.n} | ${ms(stats.p50)} | ${ms(stats.p90)} | ${ms(stats.p99)} | ${ms(stats.max)} |`,
    );
  }
}
