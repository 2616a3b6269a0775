import { writeEach, type WriteRange } from './fd-write';

/*
 * The words shared by the main thread and its sweep helpers. Each helper has a
 * state word: the main thread posts a sweep (IDLE → POSTED); a helper that wakes
 * in time takes it (POSTED → RUNNING → DONE, DONE even when it dies of a bug:
 * it is set in a `finally`), and one that does not is cancelled (POSTED → IDLE)
 * once the main thread has claimed every slot itself. The main thread waits for
 * every RUNNING helper and sets DONE → IDLE; STOP ends a helper. So a helper
 * reads a sweep's words only while the main thread waits for it, and a late or
 * absent helper never holds a sweep up.
 */

/** The next slot to claim (an atomic counter). */
export const NEXT = 0;
/** Slots in the current sweep. */
export const COUNT = 1;
/** Bytes of the current frame. */
export const LENGTH = 2;
/** Writes made by helpers since the main thread last read (and zeroed) this word. */
export const HELPED = 3;
/** The state word of helper h is FIRST_STATE + h. */
export const FIRST_STATE = 4;
export const MAX_HELPERS = 16;
export const CONTROL_BYTES = (FIRST_STATE + MAX_HELPERS) * Int32Array.BYTES_PER_ELEMENT;

export const IDLE = 0;
export const POSTED = 1;
export const RUNNING = 2;
export const DONE = 3;
export const STOP = 4;

/** Slots per claim: a few dozen writes per atomic operation, and a fair split at the end. */
const CHUNK = 32;

/** What a helper is started with; a grown data buffer arrives later as a message of the same shape. */
export interface HelperData {
  readonly control: SharedArrayBuffer;
  readonly slot: number;
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
}

/** The part that grows with the largest sweep: descriptors, results, and the frame (for helpers). */
export interface SweepData {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly fds: Int32Array;
  readonly results: Int32Array;
  readonly frame: Uint8Array;
}

export function sweepData(buffer: SharedArrayBuffer, capacity: number): SweepData {
  const words = capacity * Int32Array.BYTES_PER_ELEMENT;
  return {
    buffer,
    capacity,
    fds: new Int32Array(buffer, 0, capacity),
    results: new Int32Array(buffer, words, capacity),
    frame: new Uint8Array(buffer, 2 * words),
  };
}

export function allocateSweepData(capacity: number, frameBytes: number): SweepData {
  const buffer = new SharedArrayBuffer(2 * capacity * Int32Array.BYTES_PER_ELEMENT + frameBytes);
  return sweepData(buffer, capacity);
}

/**
 * Claims chunks of the current sweep until none is left, writing `frame` to each
 * claimed descriptor. A helper also counts its writes.
 */
export function sweepClaims(
  control: Int32Array,
  data: SweepData,
  frame: Uint8Array,
  helper: boolean,
  write: WriteRange = writeEach,
): void {
  const count = Atomics.load(control, COUNT);
  for (;;) {
    const from = Atomics.add(control, NEXT, CHUNK);
    if (from >= count) return;
    const to = Math.min(from + CHUNK, count);
    write(data.fds, data.results, from, to, frame);
    if (helper) Atomics.add(control, HELPED, to - from);
  }
}
