import type { Delivery, Frame } from '../../../../domain/subscription';

/**
 * What a sink offers the direct fan-out: a descriptor to write to with a plain write(2), and a way to settle
 * such a write. A sink that is not one of these, or answers -1, is written to through `write`.
 */
export interface DirectWritable {
  /**
   * The descriptor to write the next frame to, or -1. Only a plain TCP socket (never TLS: its descriptor
   * carries ciphertext) with a live handle and nothing queued in its stream, so a direct write never
   * overtakes queued bytes and never reaches a descriptor that was closed.
   */
  directFd(): number;
  /** Settles a direct write that wrote `written` bytes of `frame` or failed (see fd-write.ts). */
  directWritten(frame: Frame, written: number): Delivery;
}

export const isDirectWritable = (sink: object): sink is DirectWritable =>
  typeof (sink as Partial<DirectWritable>).directFd === 'function';
