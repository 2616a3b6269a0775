import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The team's script that runs a private three-node RabbitMQ cluster on
 * loopback (AMQP on 127.0.0.1:5681-5683, beside the machine's own broker on
 * 5672, which it never touches). It lives outside the project: the tests and
 * `.ci/run` call it where it is; RMQ_CLUSTER_SCRIPT points elsewhere.
 */
export const CLUSTER_SCRIPT = process.env.RMQ_CLUSTER_SCRIPT ?? '/work/shared/rabbitmq-cluster.sh';
/** What the script needs besides root: Debian's rabbitmq-server, whose scripts it calls directly. */
const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** The node numbers the script knows. */
export const NODES = [1, 2, 3] as const;
export type NodeNumber = (typeof NODES)[number];

/** AMQP URL of node `n` (the script's nodes accept guest from loopback). */
export const nodeUrl = (n: NodeNumber): string => `amqp://guest:guest@127.0.0.1:${5680 + n}`;

/** The AMQP_URL that lists every node. */
export const CLUSTER_URLS = NODES.map(nodeUrl).join(',');

/** A node start takes about 20 s on an idle machine; allow for a busy one. */
const START_MS = 180_000;
const COMMAND_MS = 60_000;

/** Why the cluster cannot be run here, or undefined. */
export function clusterProblem(): string | undefined {
  try {
    accessSync(CLUSTER_SCRIPT, constants.X_OK);
  } catch {
    return `no cluster script at ${CLUSTER_SCRIPT} (set RMQ_CLUSTER_SCRIPT)`;
  }
  try {
    accessSync(RABBITMQ_SERVER, constants.X_OK);
  } catch {
    return 'rabbitmq-server is not installed (apt-get install -y rabbitmq-server)';
  }
  if (process.getuid?.() !== 0) return 'the cluster script needs root';
  return undefined;
}

async function script(args: readonly string[], timeoutMs = COMMAND_MS): Promise<string> {
  const { stdout } = await run(CLUSTER_SCRIPT, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL' });
  return stdout.trim();
}

/**
 * The three-node cluster, through the script. `start` reuses a cluster that
 * already runs whole (and `stop` then leaves it running, with every node it
 * killed started again); otherwise it starts one, and `stop` stops it and
 * removes its state.
 */
export class RabbitMqCluster {
  private owned = false;
  /** Nodes killed here and not restarted since. */
  private readonly killed = new Set<NodeNumber>();

  /**
   * Which nodes run now. The script's `status` asks whether a node's pid is
   * alive, and a node SIGKILLed a moment ago may linger as a zombie until
   * init reaps it (seconds, on a busy machine): nodes killed here count as down.
   */
  async running(): Promise<NodeNumber[]> {
    const lines = (await script(['status'])).split('\n');
    return NODES.filter((n) => !this.killed.has(n) && lines.some((line) => line.startsWith(`rmq${n} up`)));
  }

  async start(): Promise<void> {
    const up = await this.running();
    if (up.length === NODES.length) return;
    if (up.length > 0) {
      throw new Error(
        `part of the cluster runs (${up.map((n) => `rmq${n}`).join(', ')}): ${CLUSTER_SCRIPT} stop it first`,
      );
    }
    this.owned = true;
    await script(['start'], START_MS);
  }

  /** Stops it if this object started it; restarts any node left down otherwise. */
  async stop(): Promise<void> {
    if (this.owned) {
      this.owned = false;
      await script(['stop']);
      return;
    }
    const up = await this.running();
    for (const n of NODES) if (!up.includes(n)) await this.restart(n);
  }

  /** The last resort when the harness itself exits: stops a cluster started here, synchronously. */
  stopNow(): void {
    if (!this.owned) return;
    this.owned = false;
    execFileSync(CLUSTER_SCRIPT, ['stop'], { timeout: COMMAND_MS, stdio: 'ignore' });
  }

  /** SIGKILL, as a crash would. */
  async kill(n: NodeNumber): Promise<void> {
    await script(['kill', String(n)]);
    this.killed.add(n);
  }

  /** Starts node `n` again and resolves once it runs (it rejoins the cluster by itself). */
  async restart(n: NodeNumber): Promise<void> {
    await script(['restart', String(n)], START_MS);
    this.killed.delete(n);
  }

  /** The node that leads `queue` (a stream), or undefined while none does (an election) or it is unknown. */
  async leaderOf(queue: string): Promise<NodeNumber | undefined> {
    const out = await script(['leader', queue]).catch(() => '');
    const match = /^rmq([123])@/.exec(out);
    return match === null ? undefined : (Number(match[1]) as NodeNumber);
  }
}
