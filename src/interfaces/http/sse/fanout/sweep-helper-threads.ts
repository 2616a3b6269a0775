import { writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  FIRST_STATE,
  IDLE,
  MAX_HELPERS,
  POSTED,
  RUNNING,
  STOP,
  type HelperData,
  type SweepData,
} from './sweep-control';

const HELPER_FILE = path.join(__dirname, `sweep-helper.worker${path.extname(__filename)}`);
/**
 * A helper's writes never block, and it hands a sweep back even when it dies of
 * an exception; only a thread killed outright (out of memory) could hold one
 * forever. Past this, the process stops rather than hang without a word.
 */
const STALL_LIMIT_MS = 10_000;
/** The sources run under tsx in the tests: a helper started from a .ts file needs it too. */
const execArgvFor = (file: string): string[] => (file.endsWith('.ts') ? ['--require', 'tsx/cjs'] : []);

/**
 * The helper threads of a SweepPool and the main thread's side of their state
 * words (see sweep-control.ts). Started on first use, so a process that never
 * fans out to many clients runs none.
 */
export class SweepHelperThreads {
  private readonly workers = new Map<number, Worker>();
  private started = false;

  constructor(
    readonly wanted: number,
    private readonly control: Int32Array<SharedArrayBuffer>,
    private readonly onError: (error: Error) => void,
    private readonly file = HELPER_FILE,
  ) {}

  /** Helpers started and not known to have died. */
  get size(): number {
    return this.workers.size;
  }

  /** Starts the helpers once (they take sweeps as soon as they are up); false if they were started before. */
  startOnce(data: SweepData): boolean {
    if (this.started) return false;
    this.started = true;
    for (let h = 0; h < Math.min(this.wanted, MAX_HELPERS); h += 1) this.spawn(FIRST_STATE + h, data);
    return true;
  }

  /** Offers the sweep set up in the control words to every helper. */
  post(): void {
    for (const slot of this.workers.keys()) {
      Atomics.store(this.control, slot, POSTED);
      Atomics.notify(this.control, slot, 1);
    }
  }

  /**
   * Cancels the helpers that have not taken the sweep and waits for the ones
   * that have: their writes never block, so this is a wait for CPU, not for clients.
   */
  join(): void {
    const { control } = this;
    for (const slot of this.workers.keys()) {
      if (Atomics.compareExchange(control, slot, POSTED, IDLE) === POSTED) continue;
      const since = performance.now();
      while (Atomics.load(control, slot) === RUNNING) {
        const woken = Atomics.wait(control, slot, RUNNING, 1_000);
        if (woken === 'timed-out' && performance.now() - since > STALL_LIMIT_MS) stall(slot - FIRST_STATE);
      }
      Atomics.store(control, slot, IDLE);
    }
  }

  /** Hands a grown data buffer to the helpers; they read it before the next sweep they take. */
  share(data: SweepData): void {
    for (const [slot, worker] of this.workers) worker.postMessage(this.dataFor(slot, data));
  }

  /** Stops every helper for good; resolves once they have exited. */
  async close(): Promise<void> {
    this.started = true;
    const exits = [...this.workers].map(([slot, worker]) => {
      Atomics.store(this.control, slot, STOP);
      Atomics.notify(this.control, slot);
      return worker.terminate();
    });
    this.workers.clear();
    await Promise.allSettled(exits);
  }

  private spawn(slot: number, data: SweepData): void {
    const worker = new Worker(this.file, { workerData: this.dataFor(slot, data), execArgv: execArgvFor(this.file) });
    // Helpers never keep the process alive, and one that dies is only a lost hand.
    worker.unref();
    worker.on('error', (error) => {
      if (!this.workers.delete(slot)) return;
      Atomics.store(this.control, slot, STOP);
      this.onError(error);
    });
    worker.on('exit', (code) => {
      if (this.workers.delete(slot) && code !== 0) this.onError(new Error(`fan-out helper exited with code ${code}`));
    });
    this.workers.set(slot, worker);
  }

  private dataFor(slot: number, { buffer, capacity }: SweepData): HelperData {
    return { control: this.control.buffer, slot, buffer, capacity };
  }
}

/** A helper has held a sweep past STALL_LIMIT_MS: say so on stderr (the logger may not flush) and stop. */
function stall(helper: number): never {
  writeSync(2, `fatal: fan-out helper ${helper} has held a sweep for ${STALL_LIMIT_MS} ms; exiting\n`);
  process.exit(70);
}
