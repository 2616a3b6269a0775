import { setTimeout as retryPause } from 'node:timers/promises';

/** One broadcast attempt that did not get a 202: its status (0: no answer) and Retry-After. */
export interface Refusal {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly message: string;
}

/** The broadcast body of event `n` of loop `loop`. */
const body = (run: string, loop: number, n: number): string =>
  JSON.stringify({ message: { run, loop, n }, topic: 'cluster' });

/**
 * `loops` publishers side by side, each sending 0, 1, 2 … one at a time with
 * an Idempotency-Key of its own per event, retrying a refusal 50 ms later with
 * the same key until it gets a 202. Many broadcasts in flight at once make it
 * near certain that some are in flight when a node dies.
 */
export class KeyedLoops {
  /** Per loop, the event numbers acknowledged (ascending). */
  readonly acknowledged: number[][];
  readonly refusals: Refusal[] = [];
  private readonly stopping = new AbortController();
  private readonly running: Promise<void>[];

  constructor(
    private readonly url: string,
    private readonly run: string,
    loops: number,
  ) {
    this.acknowledged = Array.from({ length: loops }, () => []);
    this.running = this.acknowledged.map((acks, loop) => this.loop(loop, acks));
  }

  get total(): number {
    return this.acknowledged.reduce((n, acks) => n + acks.length, 0);
  }

  /** Stops after the broadcasts under way (each retried until acknowledged or 15 s have passed). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running);
  }

  private async loop(loop: number, acks: number[]): Promise<void> {
    for (let n = 0; !this.stopping.signal.aborted; n += 1) {
      if (await this.publish(loop, n)) acks.push(n);
    }
  }

  private async publish(loop: number, n: number): Promise<boolean> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const refusal = await this.attempt(loop, n);
      if (refusal === undefined) return true;
      this.refusals.push(refusal);
      await retryPause(50); // a publisher pacing its retries, as a real one would: not a wait for a condition
    }
    return false;
  }

  private async attempt(loop: number, n: number): Promise<Refusal | undefined> {
    try {
      const response = await fetch(`${this.url}/api/v1/sso/broadcast`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `${this.run}.${loop}.${n}` },
        body: body(this.run, loop, n),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status === 202) return undefined;
      return { status: response.status, retryAfter: response.headers.get('retry-after'), message: text };
    } catch (error) {
      return { status: 0, retryAfter: null, message: String(error) };
    }
  }
}

/** The (loop, n) of a broadcast of run `run` in an event's data, if it is one. */
function loopEventOf(data: string, run: string): { loop: number; n: number } | undefined {
  const parsed = JSON.parse(data) as { message?: { run?: string; loop?: number; n?: number } };
  const m = parsed.message;
  return m?.run === run && typeof m.loop === 'number' && typeof m.n === 'number' ? { loop: m.loop, n: m.n } : undefined;
}

/** Per loop, the event numbers a client received, in the order it received them (copies included). */
export function arrivalsByLoop(received: readonly { data: string }[], run: string, loops: number): number[][] {
  const arrivals: number[][] = Array.from({ length: loops }, () => []);
  for (const { data } of received) {
    const event = loopEventOf(data, run);
    if (event !== undefined) arrivals[event.loop]?.push(event.n);
  }
  return arrivals;
}
