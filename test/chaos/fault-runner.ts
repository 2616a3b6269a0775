import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { FaultWindow } from './chaos-stats';
import type { FaultAction, NodeTarget } from './fault-schedule';
import { isAborted, pause } from './pause';

/** What a fault does to the system under test. */
export interface FaultHooks {
  cut(replica: number): void;
  restore(replica: number): void;
  /** SIGKILL, and the replica's clients are routed elsewhere. */
  kill(replica: number): Promise<void>;
  /** Starts it again and resolves once it is ready and takes clients again. */
  restart(replica: number): Promise<void>;
  /** SIGKILLs the RabbitMQ node that `target` names now and resolves with its number (cluster runs only). */
  killNode(target: NodeTarget): Promise<number>;
  /** Starts that node again and resolves once it has rejoined the cluster. */
  restartNode(node: number): Promise<void>;
}

/** Carries out a fault plan against the clock and records when each fault really began and ended. */
export class FaultRunner {
  readonly windows: FaultWindow[] = [];

  constructor(
    private readonly plan: readonly FaultAction[],
    private readonly hooks: FaultHooks,
  ) {}

  get cuts(): number {
    return this.windows.filter((w) => w.kind === 'cut').length;
  }

  get kills(): number {
    return this.windows.filter((w) => w.kind === 'kill').length;
  }

  /** RabbitMQ node kills carried out (cluster runs). */
  get nodeKills(): number {
    return this.windows.filter((w) => w.kind === 'node').length;
  }

  /**
   * Resolves once every fault is over (an abort ends cuts at once and skips
   * what has not begun). If one fault fails the rest are abandoned, and the
   * promise rejects only when none is still under way.
   */
  async run(signal: AbortSignal): Promise<void> {
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    setMaxListeners(this.plan.length + 10, both); // every planned fault waits on it at once
    const start = performance.now();
    let previous: Promise<unknown> = Promise.resolve();
    const results = await Promise.allSettled(
      this.plan.map((action) => {
        const after = action.chained === undefined ? undefined : previous;
        const done = this.carryOut(action, start, both, after).catch((error: unknown) => {
          stop.abort();
          throw error;
        });
        if (action.chained !== undefined) previous = done.catch(() => undefined);
        return done;
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private async carryOut(
    action: FaultAction,
    start: number,
    signal: AbortSignal,
    after: Promise<unknown> | undefined,
  ): Promise<void> {
    await pause(start + action.at - performance.now(), signal);
    if (after !== undefined) {
      await after;
      await pause(action.chained ?? 0, signal);
    }
    if (signal.aborted) return;
    const began = performance.now();
    if (action.kind === 'cut') {
      this.hooks.cut(action.replica);
      await pause(action.durationMs, signal);
      this.hooks.restore(action.replica);
    } else if (action.kind === 'kill') {
      await this.hooks.kill(action.replica);
      await pause(action.downMs, signal);
      // Interrupted while it was down: the run's cleanup has nothing to restart for.
      if (isAborted(signal)) return;
      await this.hooks.restart(action.replica);
    } else {
      const node = await this.hooks.killNode(action.target);
      await pause(action.downMs, signal);
      // Interrupted: the run's cleanup stops the cluster or starts what is down.
      if (isAborted(signal)) return;
      await this.hooks.restartNode(node);
      this.windows.push({ kind: 'node', node, target: action.target, start: began, end: performance.now() });
      return;
    }
    this.windows.push({ kind: action.kind, replica: action.replica, start: began, end: performance.now() });
  }
}
