import type { Socket } from 'node:net';
import type { CloseReason, Delivery, EventSink, Frame } from '../../../domain/subscription';
import { WOULD_BLOCK } from './fanout/fd-write';
import { LAST_CHUNK, unchunk } from './http-chunk';
import { HEARTBEAT_FRAME, RESET_FRAME } from './sse-frames';

/**
 * One stream client, after the handshake: frames go straight to its socket
 * (they are already HTTP chunks). A write never waits; when more than `limit`
 * bytes sit unsent (an O(1) read of the socket's queue) the client is too slow.
 */
export class SseSink implements EventSink {
  /** Keep-alive ticks (two per HEARTBEAT_MS) since something was last written. */
  private idleTicks = 0;
  /** The socket's descriptor, for writes past Node's stream (see directFd); -1 when it has none or gets unchunked frames. */
  private readonly fd: number;

  /** `chunked` false: an HTTP/1.0 client, which gets the frames without their chunk framing. */
  constructor(
    private readonly socket: Socket,
    private readonly limit: number,
    private readonly chunked: boolean,
  ) {
    const fd = handleOf(socket)?.fd;
    this.fd = chunked && typeof fd === 'number' && fd >= 0 ? fd : -1;
  }

  deliver(frame: Frame): Delivery {
    this.idleTicks = 0;
    return this.write(frame);
  }

  /**
   * The descriptor to write the next frame to directly, or -1 to go through
   * `deliver`. Only while nothing is queued in Node's stream, so a direct write
   * never overtakes queued bytes; and only while the handle is open: a destroyed
   * socket drops it at once, before its descriptor number can be reused.
   */
  directFd(): number {
    const socket = this.socket;
    return this.fd >= 0 && socket.writable && socket.writableLength === 0 && handleOf(socket) !== null ? this.fd : -1;
  }

  /**
   * Settles a direct write of `frame` that wrote `written` bytes, or WOULD_BLOCK
   * (see fd-write.ts): what the kernel did not take is queued on the socket.
   * FAILED or UNEXPECTED: the connection is unusable, and is destroyed.
   */
  directWritten(frame: Frame, written: number): Delivery {
    this.idleTicks = 0;
    if (written === frame.length) return 'sent';
    if (written < 0 && written !== WOULD_BLOCK) {
      // FAILED, or UNEXPECTED (a bug, which the fan-out reports).
      this.socket.destroy();
      return 'closed';
    }
    return this.write(written > 0 ? frame.subarray(written) : frame);
  }

  reset(): Delivery {
    return this.write(RESET_FRAME);
  }

  /**
   * Called every half HEARTBEAT_MS: the second tick without a write sends a
   * comment, so no stream is silent for a whole HEARTBEAT_MS.
   */
  keepAlive(): Delivery {
    this.idleTicks += 1;
    if (this.idleTicks < 2) return this.socket.writable ? 'sent' : 'closed';
    this.idleTicks = 0;
    return this.write(HEARTBEAT_FRAME);
  }

  close(reason: CloseReason): void {
    if (reason === 'slow') {
      // Its queue is full: waiting for it to drain is what we must not do.
      this.socket.destroy();
      return;
    }
    if (!this.socket.writable) return;
    if (this.chunked) this.socket.end(LAST_CHUNK);
    else this.socket.end();
  }

  private write(frame: Frame): Delivery {
    const socket = this.socket;
    if (!socket.writable) return 'closed';
    socket.write(this.chunked ? frame : unchunk(frame));
    return socket.writableLength > this.limit ? 'overflow' : 'sent';
  }
}

/** Node's native handle of a socket (null once destroyed); `fd` is its descriptor on Unix. */
const handleOf = (socket: Socket): { readonly fd?: unknown } | null =>
  (socket as unknown as { _handle: { readonly fd?: unknown } | null })._handle;
