import amqp from 'amqplib';
import { RABBITMQ_URL } from './require-rabbitmq';
import { spawnService, type ServiceProcess } from './service-process';
import { eventually } from './wait';

/** A fresh exchange name, so runs never share (or inherit) a topology. */
export const freshExchange = (label: string): string => `test-${label}-${process.pid}-${Date.now()}`;

/** `/readyz` of one process: its status and the JSON it answered. */
export async function readyz(url: string): Promise<{ status: number; json: { message?: string } }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, json: (await response.json()) as { message?: string } };
}

/**
 * Waits until `/readyz` of `url` answers 200: a replica in stream mode is unready while it loads the
 * stream's history, which on a busy machine outlasts its "listening" line. The timeout names the last reason.
 */
export async function untilReady(url: string, timeoutMs = 10_000): Promise<void> {
  let last = 'no answer yet';
  await eventually(
    async () => {
      const answer = await readyz(url);
      last = `${answer.status} ${answer.json.message ?? ''}`;
      return answer.status === 200;
    },
    () => `${url}/readyz to answer 200 (last: ${last})`,
    timeoutMs,
  );
}

/** The value of an unlabelled Prometheus series in `/metrics`, or undefined if absent. */
export async function metricValue(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/**
 * Built service processes (`ROLE=server`, `fetcher`, `all`) on one RabbitMQ
 * exchange. `stopAll` stops every process still running (SIGTERM) and deletes the stream and
 * the exchange; `exits` lists the processes that have exited on their own.
 */
export class ReplicaSet {
  readonly processes: ServiceProcess[] = [];
  private readonly stopped = new Set<ServiceProcess>();

  constructor(readonly exchange: string) {}

  /** Spawns one process on this set's exchange; `amqpUrl` defaults to the test broker. */
  async spawn(role: 'server' | 'fetcher' | 'all', env: Record<string, string> = {}): Promise<ServiceProcess> {
    const proc = await spawnService({
      ROLE: role,
      AMQP_URL: RABBITMQ_URL,
      AMQP_EXCHANGE: this.exchange,
      ...env,
    });
    this.processes.push(proc);
    return proc;
  }

  /** Stops one process on purpose (so it is not reported as having exited on its own). */
  stop(proc: ServiceProcess): ReturnType<ServiceProcess['stop']> {
    this.stopped.add(proc);
    return proc.stop();
  }

  /** The processes that exited although no test stopped them, with their output. */
  unexpectedExits(): string[] {
    return this.processes
      .filter((p) => !this.stopped.has(p) && (p.child.exitCode !== null || p.child.signalCode !== null))
      .map((p) => `pid ${p.child.pid} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.output()}`);
  }

  async stopAll(): Promise<void> {
    // Nothing spawned (the suite was skipped, or failed early): there may be no broker to clean up on.
    if (this.processes.length === 0) return;
    await Promise.all(this.processes.map((p) => this.stop(p)));
    const connection = await amqp.connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    await channel.deleteExchange(this.exchange);
    // Stream mode (the default) declares `<exchange>.stream`: durable, so it would outlive the test.
    await channel.deleteQueue(`${this.exchange}.stream`);
    await connection.close();
  }
}
