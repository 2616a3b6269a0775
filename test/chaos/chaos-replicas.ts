import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyz } from '../support/replica-set';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';
import type { BrokerTarget } from './broker-target';

/** A replica may take this long from spawn to `/readyz` 200 (a stream replica loads its history first). */
const READY_MS = 20_000;
/** SIGTERM promises an exit within 10 s; past this, SIGKILL. */
const STOP_MS = 12_000;

/** Every service process this harness started and that still runs, whichever run started it. */
const living = new Set<ServiceProcess>();

/** The last resort when the harness itself exits (an error, a second Ctrl-C): SIGKILL what still runs. Synchronous. */
export function killLeftovers(): void {
  for (const proc of living) proc.child.kill('SIGKILL');
}

const isReady = async (url: string): Promise<boolean> => (await readyz(url).catch(() => undefined))?.status === 200;

/** The ROLE=server replicas of one run, each reaching the broker through its own path of `broker`. */
export class ChaosReplicas {
  private readonly procs: (ServiceProcess | undefined)[] = [];
  private readonly all: ServiceProcess[] = [];
  /** Processes the harness killed or stopped: their exit is no surprise. */
  private readonly stoppedByUs = new Set<ServiceProcess>();

  constructor(
    private readonly broker: BrokerTarget,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts replica `index` (again) and resolves with its HTTP port once `/readyz` says 200. */
  async start(index: number): Promise<number> {
    const proc = await spawnService({ ...this.env, AMQP_URL: this.broker.amqpUrl(index) }, READY_MS);
    living.add(proc);
    void proc.exited.then(() => living.delete(proc));
    this.all.push(proc);
    this.procs[index] = proc;
    try {
      await eventually(() => isReady(proc.url), `replica ${index} ready`, READY_MS);
    } catch (error) {
      throw new Error(`${(error as Error).message}; its output:\n${proc.output().slice(-4_000)}`, { cause: error });
    }
    return proc.port;
  }

  /** The base URL of each replica, undefined while it is down. */
  urls(): (string | undefined)[] {
    return this.procs.map((p) => p?.url);
  }

  async kill(index: number): Promise<void> {
    const proc = this.procs[index];
    if (proc === undefined) return;
    this.procs[index] = undefined;
    this.stoppedByUs.add(proc);
    await proc.stop('SIGKILL');
  }

  /** Processes that exited although the harness did not stop them, with the end of their output. */
  unexpectedExits(): string[] {
    return this.all
      .filter((p) => !this.stoppedByUs.has(p) && (p.child.exitCode !== null || p.child.signalCode !== null))
      .map(
        (p) => `pid ${p.child.pid} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.output().slice(-2_000)}`,
      );
  }

  /** With CHAOS_LOGS=<dir>: each process's output, as `<dir>/<label>-<n>.log` (n counts restarts too). */
  keepLogs(label: string): void {
    const dir = process.env.CHAOS_LOGS;
    if (dir === undefined || dir === '') return;
    mkdirSync(dir, { recursive: true });
    this.all.forEach((p, n) => writeFileSync(join(dir, `${label}-${n}.log`), p.output()));
  }

  /** SIGTERM to every process still running, SIGKILL to any that outlives STOP_MS. */
  async stopAll(): Promise<void> {
    const running = this.all.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    running.forEach((p) => this.stoppedByUs.add(p));
    await Promise.all(
      running.map(async (p) => {
        const timer = setTimeout(() => p.child.kill('SIGKILL'), STOP_MS);
        await p.stop('SIGTERM');
        clearTimeout(timer);
      }),
    );
    this.procs.fill(undefined);
  }
}
