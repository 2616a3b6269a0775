// The driver's side of the load: forks the worker processes, splits the N
// subscribers between them (and over the target's ports and the source
// addresses), relays the phases and merges what the workers report.
import { Histogram } from './histogram.mjs';
import { startWorker, stop } from './processes.mjs';
import { SUB_PATH } from './targets.mjs';

const once = (child, type, ms) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`load worker: no ${type} after ${ms / 1000} s`)), ms);
    const on = (msg) => {
      if (msg.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(msg);
    };
    child.on('message', on);
    child.once('exit', () => reject(new Error(`load worker exited before ${type}`)));
  });

export class LoadFleet {
  /** ports: the target's subscribe ports; src: { base, count } for 127.0.0.base … */
  constructor({ n, m, workers, ports, src, inflight = 256, handshakeMs = 20_000 }) {
    Object.assign(this, { n, m, ports, src, handshakeMs });
    this.size = workers;
    this.inflight = Math.max(8, Math.ceil(inflight / workers));
    this.children = [];
    this.progress = [];
    this.connected = [];
  }

  async start() {
    const requests = {};
    for (const port of this.ports)
      requests[port] =
        `GET ${SUB_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n`;
    for (let w = 0; w < this.size; w++) {
      const child = startWorker();
      const first = Math.floor((this.n * w) / this.size);
      const count = Math.floor((this.n * (w + 1)) / this.size) - first;
      this.progress[w] = { connected: 0, failed: 0, deliveries: 0, done: false };
      child.on('message', (msg) => {
        if (msg.type === 'progress') this.progress[w] = msg;
      });
      this.children.push(child);
      const ready = once(child, 'ready', 15_000);
      child.send({
        type: 'init', ports: this.ports, requests, firstIndex: first, count, m: this.m, inflight: this.inflight,
        srcBase: this.src.base, srcCount: this.src.count, handshakeMs: this.handshakeMs,
      }); // prettier-ignore
      await ready;
    }
  }

  /** Resolves with { connected, failed, failures } once every subscriber has connected or failed. */
  async connect(limitMs) {
    const done = this.children.map((c) => once(c, 'connected', limitMs));
    this.send({ type: 'connect' });
    const parts = await Promise.all(done);
    const failures = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.failures)) failures[k] = (failures[k] ?? 0) + v;
    return { connected: sum(parts, 'connected'), failed: sum(parts, 'failed'), failures };
  }

  send(msg) {
    for (const c of this.children) if (c.connected) c.send(msg);
  }

  /** Live totals from the workers' last progress messages. */
  totals() {
    const p = this.progress;
    return {
      connected: sum(p, 'connected'),
      failed: sum(p, 'failed'),
      deliveries: sum(p, 'deliveries'),
      done: p.every((x) => x.done),
    };
  }

  /** Asks every worker for its figures and merges them. */
  async results(limitMs = 10_000) {
    const parts = Promise.all(this.children.map((c) => once(c, 'result', limitMs).catch(() => null)));
    this.send({ type: 'report' });
    return merge(await parts);
  }

  async close() {
    this.send({ type: 'close' });
    await Promise.all(this.children.map((c) => stop(c, 3000)));
  }
}

const sum = (list, key) => list.reduce((a, x) => a + (x?.[key] ?? 0), 0);

function merge(parts) {
  const ok = parts.filter(Boolean);
  const hist = new Histogram();
  for (const p of ok) hist.merge(p.latency);
  const keys = [
    'deliveries',
    'dataBytes',
    'otherEvents',
    'dups',
    'gaps',
    'protoErrors',
    'disconnects',
    'clientsComplete',
  ];
  const out = Object.fromEntries(keys.map((k) => [k, sum(ok, k)]));
  const firsts = ok.map((p) => p.firstUs).filter((x) => x > 0);
  return {
    ...out,
    workersLost: parts.length - ok.length,
    minPerClient: ok.length ? Math.min(...ok.map((p) => p.minPerClient)) : 0,
    maxPerClient: Math.max(0, ...ok.map((p) => p.maxPerClient)),
    firstDeliveryUs: firsts.length ? Math.min(...firsts) : 0,
    lastDeliveryUs: Math.max(0, ...ok.map((p) => p.lastUs)),
    latency: hist.summary(),
    cpuBroadcastS: sum(ok, 'cpuBroadcastUs') / 1e6,
    cpuBroadcastSystemS: sum(ok, 'cpuBroadcastSystemUs') / 1e6,
    cpuTotalS: sum(ok, 'cpuTotalUs') / 1e6,
    ids: compareIds(ok.map((p) => p.ids)),
  };
}

/** Did every tracked stream, on every port, see the same id for the same sequence number? */
function compareIds(idMaps) {
  const byPort = idMaps.flatMap((m) => Object.entries(m));
  const ports = new Set(byPort.map(([port]) => port)).size;
  let compared = 0;
  let mismatches = 0;
  let example = null;
  const length = Math.max(0, ...byPort.map(([, ids]) => ids.length));
  for (let seq = 0; seq < length; seq++) {
    const seen = byPort.map(([, ids]) => ids[seq]).filter((x) => x != null);
    if (seen.length < 2) continue;
    compared++;
    if (new Set(seen).size > 1) {
      mismatches++;
      example ??= { seq, ids: [...new Set(seen)].slice(0, 4) };
    }
  }
  return { ports, streams: byPort.length, compared, mismatches, identical: compared > 0 && mismatches === 0, example };
}
