import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { PENDING, writeEach } from './fd-write';
import {
  ABORT,
  allocateSweepData,
  CONTROL_BYTES,
  COUNT,
  FIRST_STATE,
  HELPED,
  IDLE,
  LENGTH,
  MAX_HELPERS,
  NEXT,
  POSTED,
  RUNNING,
  STOP,
  sweepClaims,
  type SweepData,
} from './sweep-control';
import type { HelperData } from './sweep-helper';

/** Below this many sockets a sweep is shorter than waking a helper. */
export const PARALLEL_MIN = 256;

export interface SweepPoolOptions {
  /** A helper that holds a sweep this long is given up on (it can only be starved of CPU: its writes never block). */
  readonly joinTimeoutMs?: number;
  /** The helper's script (tests start stand-ins). */
  readonly helperFile?: string;
}

const HELPER_FILE = path.join(__dirname, `sweep-helper${path.extname(__filename)}`);
/** The sources run under tsx in the tests: a helper started from a .ts file needs it too. */
const execArgvFor = (file: string): string[] => (file.endsWith('.ts') ? ['--require', 'tsx/cjs'] : []);

/**
 * Writes one frame to many socket descriptors, on this thread and on up to
 * `helpers` worker threads at once: they claim slots from a shared counter, so
 * each sweep is split by how fast each thread is going. Synchronous: when
 * `write` returns, every write of the sweep has been made, so no descriptor is
 * written to after the main thread may have closed it.
 */
export class SweepPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  private data: SweepData = allocateSweepData(1024, 64 * 1024);
  private readonly helpers = new Map<number, Worker>();
  private readonly joinTimeoutMs: number;
  private helped = 0;
  /** Settles once abandoned helpers have stopped for good. */
  private halted: Promise<unknown> = Promise.resolve();

  constructor(
    helpers: number,
    private readonly onError: (error: Error) => void,
    options: SweepPoolOptions = {},
  ) {
    this.joinTimeoutMs = options.joinTimeoutMs ?? 2_000;
    const file = options.helperFile ?? HELPER_FILE;
    for (let h = 0; h < Math.min(helpers, MAX_HELPERS); h += 1) this.start(FIRST_STATE + h, file);
  }

  /** Helper threads alive. */
  get threads(): number {
    return this.helpers.size;
  }

  /** Writes made by helper threads so far (the rest were made on this thread). */
  get helperWrites(): number {
    return this.helped;
  }

  /** The descriptor list to fill for a sweep of `count` sockets and a frame of `frameBytes`. */
  descriptors(count: number, frameBytes: number): Int32Array {
    const { capacity, frame } = this.data;
    if (count > capacity || frameBytes > frame.length) this.grow(count, frameBytes);
    return this.data.fds;
  }

  /**
   * Writes `frame` to the first `count` descriptors; slot i of the result holds
   * the bytes written to descriptor i, or WOULD_BLOCK, FAILED or PENDING.
   */
  write(frame: Uint8Array, count: number): Int32Array {
    const { control, data } = this;
    if (this.helpers.size === 0 || count < PARALLEL_MIN) {
      writeEach(data.fds, data.results, 0, count, frame);
      return data.results;
    }
    data.frame.set(frame);
    data.results.fill(PENDING, 0, count);
    control[COUNT] = count;
    control[LENGTH] = frame.length;
    Atomics.store(control, NEXT, 0);
    for (const slot of this.helpers.keys()) {
      Atomics.store(control, slot, POSTED);
      Atomics.notify(control, slot, 1);
    }
    sweepClaims(control, data, frame, false);
    this.join();
    this.helped += Atomics.exchange(control, HELPED, 0);
    return data.results;
  }

  /**
   * Runs `task` once no helper can write any more: at once, or after abandoned
   * helpers have exited (so a descriptor they might still write is closed only then).
   */
  afterHelpersHalt(task: () => void): void {
    void this.halted.then(task);
  }

  /** Stops the helpers; later sweeps run on this thread alone. */
  close(): void {
    for (const [slot, worker] of this.helpers) {
      Atomics.store(this.control, slot, STOP);
      Atomics.notify(this.control, slot);
      void worker.terminate();
    }
    this.helpers.clear();
  }

  private start(slot: number, file: string): void {
    const { buffer, capacity } = this.data;
    const workerData: HelperData = { control: this.control.buffer, slot, buffer, capacity };
    const worker = new Worker(file, { workerData, execArgv: execArgvFor(file) });
    // Helpers never keep the process alive, and one that dies is only a lost hand.
    worker.unref();
    worker.on('error', (error) => this.lose(slot, error));
    worker.on('exit', () => this.helpers.delete(slot));
    this.helpers.set(slot, worker);
  }

  private lose(slot: number, error: Error): void {
    if (!this.helpers.delete(slot)) return;
    Atomics.store(this.control, slot, STOP);
    this.onError(error);
  }

  /** Waits for the helpers that took the sweep; cancels the ones that did not wake in time. */
  private join(): void {
    const { control } = this;
    const deadline = performance.now() + this.joinTimeoutMs;
    for (const slot of this.helpers.keys()) {
      if (Atomics.compareExchange(control, slot, POSTED, IDLE) === POSTED) continue;
      while (Atomics.load(control, slot) === RUNNING) {
        const left = deadline - performance.now();
        if (left <= 0) return this.abandon();
        Atomics.wait(control, slot, RUNNING, left);
      }
      Atomics.store(control, slot, IDLE);
    }
  }

  /** A helper is stuck mid-sweep: stop them all before their next write; the slots left PENDING count as failed. */
  private abandon(): void {
    Atomics.store(this.control, ABORT, 1);
    this.halted = Promise.allSettled([...this.helpers.values()].map((worker) => worker.terminate()));
    this.helpers.clear();
    this.onError(new Error(`a fan-out helper held a sweep for ${this.joinTimeoutMs} ms; fanning out on one thread`));
  }

  /** A larger data buffer; helpers get it before the next sweep they take (messages are read synchronously). */
  private grow(count: number, frameBytes: number): void {
    const capacity = Math.max(this.data.capacity, 2 ** Math.ceil(Math.log2(count)));
    const bytes = Math.max(this.data.frame.length, 2 ** Math.ceil(Math.log2(frameBytes)));
    this.data = allocateSweepData(capacity, bytes);
    const { buffer } = this.data;
    for (const [slot, worker] of this.helpers) {
      const message: HelperData = { control: this.control.buffer, slot, buffer, capacity };
      worker.postMessage(message);
    }
  }
}
