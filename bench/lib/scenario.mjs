// One measured run against one target, started fresh:
//   start the server(s) → RSS before → N subscribers connect → settle 1 s → RSS after
//   → publish M events (CPU window opens) → drain → CPU window closes → figures.
import { nowUs, sleep } from './clock.mjs';
import { LoadFleet } from './load.mjs';
import { Publisher } from './publisher.mjs';
import { RssSampler, cpuSeconds, machineCpu, rssKb, schedSeconds } from './sampler.mjs';
import { PUB_PATH, launch } from './targets.mjs';

/** CPU seconds of everything in one window: the server, the driver, the whole machine. */
function cpuMark(pids) {
  const self = process.cpuUsage();
  return {
    server: cpuSeconds(pids),
    sched: schedSeconds(pids),
    driver: (self.user + self.system) / 1e6,
    machine: machineCpu(),
    at: nowUs(),
  };
}

/** Waits for the drain: every stream has every event, nothing arrived for `idle` s, or the deadline. */
async function drain(fleet, idleS, deadline, onTick) {
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    const t = fleet.totals();
    onTick(t);
    if (t.done) return 'complete';
    if (t.deliveries !== last) {
      last = t.deliveries;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > idleS * 1000) return 'idle';
    if (Date.now() > deadline) return 'timeout';
    await sleep(100);
  }
}

/** Races `promise` against the deadline; on the deadline calls onLate() and keeps waiting for it. */
async function bounded(promise, deadline, onLate) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), 'late')));
  const first = await Promise.race([promise, late]);
  clearTimeout(timer);
  if (first !== 'late') return first;
  onLate();
  return promise;
}

async function connectPhase(run, fleet, deadline) {
  const ticker = setInterval(() => {
    const t = fleet.totals();
    run.say('connecting', `${t.connected + t.failed}/${run.o.n}${t.failed ? ` (${t.failed} failed)` : ''}`);
  }, 100);
  try {
    return await fleet.connect(Math.max(1000, deadline - Date.now()));
  } finally {
    clearInterval(ticker);
  }
}

async function broadcastPhase(run, fleet, pids, port, deadline) {
  const { o } = run;
  const publisher = new Publisher({
    port,
    path: PUB_PATH,
    payload: o.payload,
    m: o.m,
    rate: o.rate,
    inFlight: o.inFlight,
  });
  const before = cpuMark(pids);
  fleet.send({ type: 'start' });
  let timedOut = false;
  const pub = await bounded(
    publisher.run((k) => run.say('publishing', `${k}/${o.m} · ${fleet.totals().deliveries} delivered`)),
    deadline,
    () => ((timedOut = true), publisher.stop()),
  );
  fleet.send({ type: 'pubdone', expected: pub.ok });
  const expected = o.n * o.m;
  const end = await drain(fleet, o.idle, deadline, (t) => run.say('draining', `${t.deliveries}/${expected} delivered`));
  const after = cpuMark(pids);
  return { pub, before, after, drainEnd: end, timedOut: timedOut || end === 'timeout' };
}

/** Runs the workload against `target`; never throws (a failure is recorded in the result). */
export async function runTarget(target, o, { progress, index, count, src }) {
  const run = { o, say: (phase, detail) => progress.set(`[${index}/${count} ${target.label}] ${phase}`, detail) };
  const rec = {
    target: target.label,
    name: target.name,
    replicas: target.replicas,
    startedAt: new Date().toISOString(),
  };
  run.say('starting');
  let srv = null;
  let fleet = null;
  try {
    srv = await launch(target);
    fleet = new LoadFleet({ n: o.n, m: o.m, workers: o.workers, ports: srv.ports, src });
    await fleet.start();
    await sleep(500); // let the fresh server finish its start-up work
    const deadline = Date.now() + o.timeout * 1000;
    const sampler = new RssSampler(srv.pids);
    const rssBefore = rssKb(srv.pids);
    const cpu0 = cpuSeconds(srv.pids);
    const t0 = nowUs();
    const conn = await connectPhase(run, fleet, deadline);
    const connectS = (nowUs() - t0) / 1e6;
    run.say('settling');
    await sleep(1000);
    const rssAfter = sampler.sample();
    const cpuConnect = cpuSeconds(srv.pids) - cpu0;
    const b = await broadcastPhase(run, fleet, srv.pids, srv.ports[0], deadline);
    const rssEnd = sampler.stop();
    run.say('collecting');
    const load = await fleet.results();
    Object.assign(
      rec,
      figures({ o, conn, connectS, rssBefore, rssAfter, rssEnd, peak: sampler.peakKb, cpuConnect, b, load }),
    );
  } catch (e) {
    rec.error = e.message;
  } finally {
    run.say('stopping');
    await srv?.stop();
    await fleet?.close();
  }
  return rec;
}

function figures({ o, conn, connectS, rssBefore, rssAfter, rssEnd, peak, cpuConnect, b, load }) {
  const { pub, before, after } = b;
  const d = load.deliveries;
  const spanS = load.lastDeliveryUs > pub.firstSendUs ? (load.lastDeliveryUs - pub.firstSendUs) / 1e6 : 0;
  const serverS = after.server - before.server;
  const schedS = before.sched !== null && after.sched !== null ? after.sched - before.sched : null;
  const driverS = after.driver - before.driver;
  const loadS = load.cpuBroadcastS + driverS;
  const wallS = (after.at - before.at) / 1e6;
  const busyS = after.machine.busy - before.machine.busy;
  const irqS = after.machine.irq - before.machine.irq;
  const { ids, latency, cpuBroadcastS, cpuBroadcastSystemS, cpuTotalS, ...counts } = load;
  return {
    n: o.n, m: o.m, rate: o.rate, payload: o.payload, workers: o.workers,
    timedOut: b.timedOut, drainEnd: b.drainEnd,
    connected: conn.connected, connectFailed: conn.failed, connectFailures: conn.failures, connectS,
    publisher: pub,
    ...counts,
    expected: o.n * o.m,
    completenessPct: (100 * d) / (o.n * o.m),
    dataBytesAvg: d ? load.dataBytes / d : 0,
    broadcastS: spanS,
    deliveriesPerS: spanS > 0 ? d / spanS : 0,
    latencyUs: latency,
    ids,
    server: {
      rssBeforeKb: rssBefore, rssAfterConnectKb: rssAfter, rssPeakKb: peak, rssEndKb: rssEnd,
      bytesPerStream: conn.connected ? ((rssAfter - rssBefore) * 1024) / conn.connected : null,
      cpuConnectS: cpuConnect, cpuBroadcastS: serverS, cpuBroadcastSchedS: schedS,
      cpuUsPerDelivery: d ? (serverS * 1e6) / d : null,
      cpuUsPerDeliverySched: d && schedS !== null ? (schedS * 1e6) / d : null,
    },
    load: {
      workersCpuBroadcastS: cpuBroadcastS, workersKernelS: cpuBroadcastSystemS, driverCpuBroadcastS: driverS, cpuBroadcastS: loadS,
      workersCpuTotalS: cpuTotalS, share: loadS + serverS > 0 ? loadS / (loadS + serverS) : null,
    },
    machine: {
      windowS: wallS, busyS, irqS,
      irqCores: wallS > 0 ? irqS / wallS : null,
      otherCores: wallS > 0 ? (busyS - serverS - loadS) / wallS : null,
    },
  }; // prettier-ignore
}
