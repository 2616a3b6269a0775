import { PENDING, writeEach } from './fd-write';
import {
  allocateSweepData,
  CONTROL_BYTES,
  COUNT,
  HELPED,
  LENGTH,
  NEXT,
  sweepClaims,
  type SweepData,
} from './sweep-control';
import { SweepHelperThreads } from './sweep-helper-threads';

/** Below this many sockets a sweep is shorter than waking a helper. */
export const PARALLEL_MIN = 256;
/** Larger frames are swept by the main thread alone, so the shared copy of a frame stays bounded. */
const MAX_SHARED_FRAME = 4 * 1024 * 1024;

export interface SweepPoolOptions {
  /** The helper's script (tests start stand-ins). */
  readonly helperFile?: string;
  readonly maxSharedFrame?: number;
}

/**
 * Writes one frame to many socket descriptors, on this thread and on up to
 * `helpers` worker threads at once: they claim slots from a shared counter, so
 * each sweep is split by how fast each thread is going. Synchronous: when
 * `write` returns, every write of the sweep has been made, so no descriptor is
 * written to after the main thread may have closed it.
 */
export class SweepPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  private data: SweepData = allocateSweepData(1024, 0);
  private readonly helpers: SweepHelperThreads;
  private helped = 0;
  private shared = 0;
  private readonly maxSharedFrame: number;

  constructor(helpers: number, onError: (error: Error) => void, options: SweepPoolOptions = {}) {
    this.helpers = new SweepHelperThreads(helpers, this.control, onError, options.helperFile);
    this.maxSharedFrame = options.maxSharedFrame ?? MAX_SHARED_FRAME;
  }

  /** Helper threads started and not known to have died (none before the first sweep worth sharing). */
  get threads(): number {
    return this.helpers.size;
  }

  /** Sweeps offered to the helpers so far. */
  get sharedSweeps(): number {
    return this.shared;
  }

  /** Writes made by helper threads so far (the rest were made on this thread). */
  get helperWrites(): number {
    return this.helped;
  }

  /** The descriptor list to fill for a sweep of `count` sockets. */
  descriptors(count: number): Int32Array {
    if (count > this.data.capacity) this.replaceData(2 ** Math.ceil(Math.log2(count)), this.data.frame.length);
    return this.data.fds;
  }

  /**
   * Writes `frame` to the first `count` descriptors; slot i of the result holds
   * the bytes written to descriptor i, or WOULD_BLOCK, FAILED or UNEXPECTED.
   */
  write(frame: Uint8Array, count: number): Int32Array {
    const { control } = this;
    const worthSharing = count >= PARALLEL_MIN && frame.length <= this.maxSharedFrame && this.helpers.wanted > 0;
    // The first sweep worth sharing starts the helpers; they take sweeps once they are up.
    const justStarted = worthSharing && this.helpers.startOnce(this.data);
    if (!worthSharing || justStarted || this.helpers.size === 0) {
      writeEach(this.data.fds, this.data.results, 0, count, frame);
      return this.data.results;
    }
    this.shared += 1;
    if (frame.length > this.data.frame.length) this.replaceData(this.data.capacity, frame.length);
    const data = this.data;
    data.frame.set(frame);
    data.results.fill(PENDING, 0, count);
    control[COUNT] = count;
    control[LENGTH] = frame.length;
    Atomics.store(control, NEXT, 0);
    this.helpers.post();
    sweepClaims(control, data, frame, false);
    this.helpers.join();
    this.helped += Atomics.exchange(control, HELPED, 0);
    // A helper that died of a bug mid-sweep leaves the rest of its claim unwritten.
    const results = data.results.subarray(0, count);
    for (let i = results.indexOf(PENDING); i >= 0; i = results.indexOf(PENDING, i + 1))
      writeEach(data.fds, data.results, i, i + 1, frame);
    return data.results;
  }

  /** Stops the helpers; later sweeps run on this thread alone. */
  close(): Promise<void> {
    return this.helpers.close();
  }

  /** A larger data buffer, keeping the descriptors already filled in; the helpers get it too. */
  private replaceData(capacity: number, frameBytes: number): void {
    const bytes = frameBytes === 0 ? 0 : Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(frameBytes)));
    const next = allocateSweepData(capacity, bytes);
    next.fds.set(this.data.fds);
    this.data = next;
    this.helpers.share(next);
  }
}
