import { writeSync } from 'node:fs';
import { constants } from 'node:os';

/** A result slot: bytes written (0 up to the frame's length), or one of these. */
export const WOULD_BLOCK = -1;
/** The connection is gone (EPIPE, ECONNRESET …): the client is dropped. */
export const FAILED = -2;
/** Not attempted (a helper claimed the slot and died of a bug before writing it). */
export const PENDING = -3;
/**
 * An error a live socket descriptor cannot give (EBADF, ENOTSOCK …), a bug: the
 * client is dropped and the error logged. Such a result is UNEXPECTED minus the errno.
 */
export const UNEXPECTED = -1000;

/** Errors after which the bytes can still go through the socket's own queue. */
const RETRYABLE = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ENOBUFS', 'ENOMEM']);
/** Errors of a connection that has ended. */
const GONE = new Set([
  'EPIPE',
  'ECONNRESET',
  'ENOTCONN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ECONNABORTED',
  'EPROTO',
]);
const ERRNO: Readonly<Record<string, number>> = constants.errno;

function resultOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && RETRYABLE.has(code)) return WOULD_BLOCK;
  if (typeof code === 'string' && GONE.has(code)) return FAILED;
  return UNEXPECTED - (typeof code === 'string' ? (ERRNO[code] ?? 0) : 0);
}

/** The error name of an UNEXPECTED result (`unknown` when it was not an errno). */
export function unexpectedCode(result: number): string {
  const errno = UNEXPECTED - result;
  return Object.keys(ERRNO).find((name) => ERRNO[name] === errno) ?? 'unknown';
}

/** A writer of one range of slots; the default makes real writes, tests plant faults. */
export type WriteRange = (fds: Int32Array, results: Int32Array, from: number, to: number, frame: Uint8Array) => void;

/**
 * Writes `frame` to `fds[from..to)` with one write(2) each, results in
 * `results`: the plain syscall, without a stream's bookkeeping per client.
 * Never throws; the descriptors are non-blocking, so it never waits either.
 */
export const writeEach: WriteRange = (fds, results, from, to, frame) => {
  for (let i = from; i < to; i += 1) {
    try {
      results[i] = writeSync(fds[i] ?? -1, frame, 0, frame.length);
    } catch (error) {
      results[i] = resultOf(error);
    }
  }
};
