// A load worker (a child process of the driver): holds its share of the N
// subscribers on raw `net` sockets, parses what they receive (sse-stream.mjs) and
// reports counts, a latency histogram and its own CPU time over IPC.
//
// Driver → worker: init, connect, start, pubdone {expected}, report, close.
// Worker → driver: progress, connected, result.
import net from 'node:net';
import { nowUs } from './clock.mjs';
import { Histogram } from './histogram.mjs';
import { FEED, SseStream, streamStats } from './sse-stream.mjs';

const readBuffer = Buffer.allocUnsafe(256 * 1024); // shared by every socket: parsing is synchronous
let cfg = null;
let stats = null;
const conns = []; // { socket, stream, port, state: 'pending' | 'stream' | 'failed' | 'closed', deadline }
let next = 0;
let pending = 0;
let connected = 0;
let failed = 0;
let disconnects = 0;
const failures = {};
let connectReported = false;
let pubDone = false;
let cpuAtStart = null;
let closing = false;

function send(msg) {
  if (process.connected) process.send(msg);
}

function fail(c, reason) {
  if (c.state !== 'pending') return;
  c.state = 'failed';
  pending--;
  failed++;
  failures[reason] = (failures[reason] ?? 0) + 1;
  c.socket.destroy();
  openMore();
}

function onRead(c, n) {
  const wasHead = c.stream.inHead;
  const r = c.stream.feed(readBuffer, n, nowUs());
  if (r === FEED.HEAD) return;
  if (r === FEED.FAIL) return fail(c, c.stream.failure);
  if (wasHead) {
    c.state = 'stream';
    pending--;
    connected++;
    openMore();
  }
  if (r === FEED.ENDED) c.socket.destroy();
}

function open(i) {
  const g = cfg.firstIndex + i;
  const port = cfg.ports[g % cfg.ports.length];
  const localAddress = `127.0.0.${cfg.srcBase + (g % cfg.srcCount)}`;
  const c = { socket: null, stream: null, port, state: 'pending', deadline: Date.now() + cfg.handshakeMs };
  const track = !cfg.trackedPorts.has(port); // the first stream per port records ids
  if (track) cfg.trackedPorts.add(port);
  c.stream = new SseStream(stats, track);
  c.socket = net.connect({
    host: '127.0.0.1',
    port,
    localAddress,
    onread: { buffer: readBuffer, callback: (n) => onRead(c, n) },
  });
  c.socket.on('connect', () => c.socket.write(cfg.requests[port]));
  c.socket.on('error', (err) => fail(c, err.code ?? 'connect'));
  c.socket.on('close', () => {
    if (c.state === 'pending') fail(c, 'closed_before_head');
    else if (c.state === 'stream') {
      c.state = 'closed';
      if (!closing) disconnects++;
    }
  });
  conns.push(c);
  pending++;
}

function openMore() {
  while (next < cfg.count && pending < cfg.inflight) open(next++);
  if (!connectReported && next === cfg.count && pending === 0) {
    connectReported = true;
    send({ type: 'connected', connected, failed, failures });
  }
}

function checkDeadlines() {
  const now = Date.now();
  for (const c of conns) if (c.state === 'pending' && now > c.deadline) fail(c, 'timeout');
}

/** Every stream still open has every event (or is gone). */
function allDone() {
  if (!pubDone) return false;
  for (const c of conns) if (c.state === 'stream' && c.stream.recv < stats.target) return false;
  return true;
}

function tick() {
  if (!connectReported) checkDeadlines();
  send({ type: 'progress', connected, failed, deliveries: stats.deliveries, done: allDone() });
}

function result() {
  const cpu = process.cpuUsage();
  const since = cpuAtStart ?? { user: 0, system: 0 };
  let complete = 0;
  let min = Infinity;
  let max = 0;
  const ids = {};
  for (const c of conns) {
    if (c.state !== 'stream' && c.state !== 'closed') continue;
    const r = c.stream.recv;
    if (r >= stats.target) complete++;
    min = Math.min(min, r);
    max = Math.max(max, r);
    if (c.stream.ids !== null) ids[c.port] = c.stream.ids;
  }
  const { hist, ...counts } = stats;
  return {
    type: 'result',
    ...counts,
    connected,
    failed,
    failures,
    disconnects,
    clientsComplete: complete,
    minPerClient: min === Infinity ? 0 : min,
    maxPerClient: max,
    latency: hist.toJSON(),
    cpuBroadcastUs: cpu.user + cpu.system - since.user - since.system,
    cpuBroadcastSystemUs: cpu.system - since.system,
    cpuTotalUs: cpu.user + cpu.system,
    ids,
  };
}

function onMessage(msg) {
  if (msg.type === 'init') {
    cfg = { ...msg, trackedPorts: new Set() };
    stats = streamStats(new Histogram(), msg.m);
    setInterval(tick, 200).unref();
    send({ type: 'ready' });
  } else if (msg.type === 'connect') openMore();
  else if (msg.type === 'start') cpuAtStart = process.cpuUsage();
  else if (msg.type === 'pubdone') {
    pubDone = true;
    stats.target = msg.expected;
  } else if (msg.type === 'report') send(result());
  else if (msg.type === 'close') {
    closing = true;
    for (const c of conns) c.socket.destroy();
    setTimeout(() => process.exit(0), 50);
  }
}

process.on('message', onMessage);
process.on('disconnect', () => process.exit(0)); // the driver is gone
