// The servers a run compares: the product (built, in-memory bus, rates off), the
// two baselines under bench/baselines/, and the product as K ROLE=server replicas
// over RabbitMQ. Each is started fresh on free ports, as a child process whose
// PID is the server itself (no npm or shell in between).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './clock.mjs';
import { freePort, startServer, stop, waitForPort } from './processes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SUB_PATH = '/api/v1/sso/stream';
export const PUB_PATH = '/api/v1/sso/broadcast';

/** The service's own variables (SPEC.md): never inherited from the caller's shell. */
const SERVICE_VARS = [
  'PORT', 'HOST', 'ROLE', 'AMQP_URL', 'AMQP_EXCHANGE', 'RATE_SOURCE', 'COIN_API_KEY', 'COINAPI_URL', 'RATE_PAIRS',
  'RATE_INTERVAL_MS', 'PUBLISH_TOKEN', 'CORS_ORIGINS', 'HEARTBEAT_MS', 'RETRY_MS', 'HISTORY_SIZE', 'MAX_CLIENTS',
  'CLIENT_BUFFER_BYTES', 'MAX_BODY_BYTES', 'LOG_LEVEL', 'HISTORY_BYTES', 'AMQP_QUEUE', 'AMQP_STREAM',
  'STREAM_MAX_AGE_S', 'STREAM_MAX_BYTES', 'JWT_KEY', 'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'ANONYMOUS',
  'SLOW_CLIENTS', 'CONFLATE_TOPICS', 'FANOUT', 'FANOUT_THREADS',
]; // prettier-ignore

function baseEnv(port) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVICE_VARS.includes(k)));
  return { ...env, PORT: String(port), HOST: '127.0.0.1' };
}

const productEnv = (port) => ({
  ...baseEnv(port),
  LOG_LEVEL: 'warn',
  RATE_SOURCE: 'off',
  HEARTBEAT_MS: '3600000',
  MAX_CLIENTS: '1000000',
});

/** name → how to start one server process on `port`. */
const KINDS = {
  product: { script: 'dist/main.js', env: productEnv },
  naive: { script: 'bench/baselines/naive.mjs', env: baseEnv },
  'better-sse': { script: 'bench/baselines/better-sse.mjs', env: baseEnv },
};

export const TARGET_NAMES = Object.keys(KINDS);

/**
 * A target: `name` (product | naive | better-sse), `replicas` (product only; 0 = one
 * process on the in-memory bus), `amqpUrl`, `exchange` and `amqpQueue` (stream | exclusive) when replicated.
 */
export function describe({ name, replicas = 0, amqpUrl, exchange, amqpQueue = 'stream' }) {
  if (!KINDS[name]) throw new Error(`unknown target ${name} (known: ${TARGET_NAMES.join(', ')})`);
  const label = replicas > 0 ? `${name} ×${replicas} (${amqpQueue})` : name;
  const queue = replicas > 0 ? amqpQueue : null;
  return { name, label, replicas, amqpUrl, exchange, amqpQueue: queue, processes: Math.max(1, replicas) };
}

function envFor(target, port) {
  const env = KINDS[target.name].env(port);
  if (target.replicas > 0) {
    const amqp = { AMQP_URL: target.amqpUrl, AMQP_EXCHANGE: target.exchange, AMQP_QUEUE: target.amqpQueue };
    Object.assign(env, { ROLE: 'server', ...amqp });
  }
  return env;
}

/** Polls `/readyz` of each port until 200 (stream mode: the history is loaded, the consumer attached). */
async function waitReady(ports, ms = 30_000) {
  const end = Date.now() + ms;
  for (const port of ports) {
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > end) throw new Error(`127.0.0.1:${port}/readyz not 200 after ${ms / 1000} s (${status})`);
      await sleep(100);
    }
  }
}

/** Starts every process of the target and waits until all answer. Returns { servers, ports, pids, stop() }. */
export async function launch(target) {
  const script = KINDS[target.name].script;
  if (!fs.existsSync(path.join(ROOT, script))) throw new Error(`${script} is missing (run npm run build first)`);
  const servers = [];
  const ports = [];
  const stopAll = () => Promise.all(servers.map((s) => stop(s)));
  try {
    for (let i = 0; i < target.processes; i++) {
      const port = await freePort();
      ports.push(port);
      servers.push(startServer({ script, cwd: ROOT, env: envFor(target, port) }));
    }
    await Promise.all(servers.map((s, i) => waitForPort(ports[i], s)));
    if (target.replicas > 0) await waitReady(ports);
  } catch (e) {
    await stopAll();
    throw e;
  }
  return { servers, ports, pids: servers.map((s) => s.pid), stop: stopAll };
}

/** Whether something listens at the AMQP URL's host and port (no AMQP handshake). */
export function brokerReachable(amqpUrl, ms = 2000) {
  const u = new URL(amqpUrl);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5672) });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Deletes a run's exchange and its stream `<exchange>.stream` (durable: it would outlive the run; the
 * exclusive queues are auto-delete already). Best effort.
 */
export async function deleteExchange(amqpUrl, exchange) {
  let conn;
  try {
    const amqp = await import('amqplib');
    conn = await (amqp.default ?? amqp).connect(amqpUrl);
    const ch = await conn.createChannel();
    await ch.deleteQueue(`${exchange}.stream`);
    await ch.deleteExchange(exchange);
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => {});
  }
}
