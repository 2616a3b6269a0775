/** What reading a body up to a cap came to. */
export type CappedBody =
  | { readonly kind: 'whole'; readonly bytes: Buffer }
  /** The body went past the cap: these are its first `cap` bytes, and the rest was never read. */
  | { readonly kind: 'cut'; readonly bytes: Buffer };

/**
 * Reads `body` chunk by chunk until it ends or more than `cap` bytes have
 * come, whichever is first; then the rest is cancelled, never buffered. The
 * read stops when `signal` aborts (the caller's deadline): it rejects then,
 * whatever the stream does. A stream error rejects too.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
  signal: AbortSignal,
): Promise<CappedBody> {
  if (body === null) return { kind: 'whole', bytes: Buffer.alloc(0) };
  signal.throwIfAborted();
  const reader = body.getReader();
  const stop = (): void => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled reader reads as done: only the signal tells a cut-off answer from a whole one.
      signal.throwIfAborted();
      if (done) return { kind: 'whole', bytes: Buffer.concat(chunks, total) };
      chunks.push(value);
      total += value.byteLength;
      if (total > cap) {
        void reader.cancel().catch(() => undefined);
        return { kind: 'cut', bytes: Buffer.concat(chunks, total).subarray(0, cap) };
      }
    }
  } finally {
    signal.removeEventListener('abort', stop);
    reader.releaseLock();
  }
}
