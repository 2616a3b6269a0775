import { writeSync } from 'node:fs';

/** A result slot: bytes written (0 up to the frame's length), or one of these. */
export const WOULD_BLOCK = -1;
/** The connection is gone (EPIPE, ECONNRESET …): the client is dropped. */
export const FAILED = -2;
/** Not written: a helper claimed the slot and stopped answering. Treated as FAILED. */
export const PENDING = -3;

/** Errors after which the bytes can still go through the socket's own queue. */
const RETRYABLE = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ENOBUFS']);

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * Writes `frame` to `fds[from..to)` with one write(2) each, results in
 * `results`: the plain syscall, without a stream's bookkeeping per client.
 * With `abort`, stops before the next write once its first word is set.
 */
export function writeEach(
  fds: Int32Array,
  results: Int32Array,
  from: number,
  to: number,
  frame: Uint8Array,
  abort?: Int32Array,
): void {
  for (let i = from; i < to; i += 1) {
    if (abort !== undefined && Atomics.load(abort, 0) !== 0) return;
    try {
      results[i] = writeSync(fds[i] ?? -1, frame, 0, frame.length);
    } catch (error) {
      results[i] = RETRYABLE.has(codeOf(error) as string) ? WOULD_BLOCK : FAILED;
    }
  }
}
