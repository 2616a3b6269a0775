// Every child process of the bench goes through here, so each one is stopped on
// exit, on SIGINT/SIGTERM and on an uncaught error. Children are stopped by
// their own PID only.
import { fork, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './clock.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const guard = path.join(here, 'orphan-guard.cjs');
const children = new Set();

function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

const running = (child) => child.exitCode === null && child.signalCode === null;

/** A server: `node -r orphan-guard <script>` with env, stderr kept (last 4 KB) for error messages. */
export function startServer({ script, cwd, env }) {
  const child = spawn(process.execPath, ['-r', guard, script], { cwd, env, stdio: ['pipe', 'ignore', 'pipe'] });
  child.stderrTail = '';
  child.stderr.on('data', (d) => (child.stderrTail = (child.stderrTail + d).slice(-4096)));
  child.stdin.on('error', () => {});
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return track(child);
}

/** A load worker with an IPC channel. */
export function startWorker() {
  const child = fork(path.join(here, 'load-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => {});
  return track(child);
}

function waitExit(child, ms) {
  if (!running(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs. */
export async function stop(child, graceMs = 10_000) {
  if (!running(child)) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 5000);
  }
}

export function killAll() {
  for (const child of children) if (running(child)) child.kill('SIGKILL');
}

/** On SIGINT/SIGTERM: stop servers gracefully (3 s), kill the rest, exit 130. */
export function installCleanup(onInterrupt = () => {}) {
  let interrupted = false;
  const interrupt = async (signal) => {
    if (interrupted) return killAll();
    interrupted = true;
    onInterrupt(signal);
    await Promise.all([...children].map((c) => stop(c, 3000)));
    killAll();
    process.exit(130);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  process.on('exit', killAll);
}

function tryConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Resolves when the port accepts a connection; rejects if the child exits first or after ms. */
export async function waitForPort(port, child, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!running(child)) {
      const why = child.stderrTail.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`exited (code ${child.exitCode ?? child.signalCode}) before listening: ${why}`);
    }
    if (await tryConnect(port)) return;
    await sleep(100);
  }
  throw new Error(`port ${port} not answering after ${ms / 1000} s`);
}

/** A port that is free right now (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
