import { performance } from 'node:perf_hooks';
import { BROADCAST_PATH, chaosBody, idempotencyKey } from './chaos-message';
import { isAborted, pause } from './pause';

/** Between two attempts at one event; far below Retry-After on purpose, to keep the pressure on. */
const RETRY_MS = 50;
/** One attempt; a replica waits at most 5 s for a publisher confirm, so this is only a backstop. */
const ATTEMPT_MS = 10_000;

/**
 * Publishes 0, 1, 2 … one at a time, `rate` a second, each to the next replica
 * that is up (alternating), and retries a 503 or a connection error with the
 * same Idempotency-Key until a 202. One event in flight at a time: sequence
 * numbers then follow the order in which the bus took the events, so any
 * client that sees a lower number after a higher one saw a real reordering.
 */
export class KeyedPublisher {
  /** Sequence numbers that got a 202, ascending. */
  readonly acknowledged: number[] = [];
  /** Attempts that did not get a 202. */
  retries = 0;
  /** The first answer that was neither 202 nor 503: a harness or contract problem, not a fault. */
  unexpected: string | undefined;
  /** How often each failed attempt's outcome came: `503 <message>` (with its Retry-After), or a connection error. */
  readonly failures = new Map<string, number>();
  /** The longest any one attempt took, in ms. */
  slowestMs = 0;
  private turn = 0;

  constructor(
    private readonly targets: () => readonly (string | undefined)[],
    private readonly runId: string,
    private readonly rate: number,
  ) {}

  /** Runs until `signal` aborts; an event still unacknowledged then is given up. */
  async run(signal: AbortSignal): Promise<void> {
    const interval = 1_000 / this.rate;
    for (let seq = 0; !signal.aborted; seq += 1) {
      const started = performance.now();
      if (await this.publish(seq, signal)) this.acknowledged.push(seq);
      await pause(started + interval - performance.now(), signal);
    }
  }

  private async publish(seq: number, signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const url = this.nextTarget();
      if (url !== undefined && (await this.attempt(url, seq, signal))) return true;
      if (isAborted(signal)) break; // the end of the run, not a failure to count
      this.retries += 1;
      await pause(RETRY_MS, signal);
    }
    return false;
  }

  private nextTarget(): string | undefined {
    const urls = this.targets();
    for (let n = 0; n < urls.length; n += 1) {
      const url = urls[this.turn++ % urls.length];
      if (url !== undefined) return url;
    }
    return undefined;
  }

  private async attempt(url: string, seq: number, signal: AbortSignal): Promise<boolean> {
    const began = performance.now();
    try {
      const response = await fetch(`${url}${BROADCAST_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey(this.runId, seq) },
        body: JSON.stringify(chaosBody(this.runId, seq)),
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_MS)]),
      });
      const text = await response.text();
      if (response.status !== 202 && response.status !== 503) this.unexpected ??= `${response.status} ${text}`;
      if (response.status !== 202)
        this.count(`${response.status} ${messageOf(text)} (Retry-After: ${response.headers.get('retry-after')})`);
      return response.status === 202;
    } catch {
      if (!signal.aborted) this.count('no answer (the replica is down)');
      return false; // refused, reset or aborted: the replica died or is dying; retry elsewhere
    } finally {
      this.slowestMs = Math.max(this.slowestMs, performance.now() - began);
    }
  }

  private count(outcome: string): void {
    this.failures.set(outcome, (this.failures.get(outcome) ?? 0) + 1);
  }
}

/** The `message` of an error envelope, else the text itself. */
function messageOf(text: string): string {
  try {
    const message: unknown = Reflect.get(JSON.parse(text) as object, 'message');
    return typeof message === 'string' ? message : text;
  } catch {
    return text;
  }
}
