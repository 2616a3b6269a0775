import { writeSync } from 'node:fs';

/** A result slot: bytes written (0 up to the frame's length), or one of these. */
export const WOULD_BLOCK = -1;
/** The connection is gone (EPIPE, ECONNRESET …): the client is dropped. */
export const FAILED = -2;
/** An error a live socket descriptor cannot give (EBADF, ENOTSOCK …): a bug; the client is dropped and it is logged. */
export const UNEXPECTED = -3;
/** Not attempted (a helper claimed the slot and died before writing it). */
export const PENDING = -4;

/** Errors after which the bytes can still go through the socket's own queue. */
const RETRYABLE = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ENOBUFS']);
/** Errors of a connection that has ended. */
const GONE = new Set(['EPIPE', 'ECONNRESET', 'ENOTCONN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

function resultOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return UNEXPECTED;
  if (RETRYABLE.has(code)) return WOULD_BLOCK;
  return GONE.has(code) ? FAILED : UNEXPECTED;
}

/**
 * Writes `frame` to `fds[from..to)` with one write(2) each, results in
 * `results`: the plain syscall, without a stream's bookkeeping per client.
 * Never throws; the descriptors are non-blocking, so it never waits either.
 */
export function writeEach(fds: Int32Array, results: Int32Array, from: number, to: number, frame: Uint8Array): void {
  for (let i = from; i < to; i += 1) {
    try {
      results[i] = writeSync(fds[i] ?? -1, frame, 0, frame.length);
    } catch (error) {
      results[i] = resultOf(error);
    }
  }
}
