import type { Socket } from 'node:net';
import type { CloseReason, Delivery, EventSink, Frame } from '../../../domain/subscription';
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

  /** `chunked` false: an HTTP/1.0 client, which gets the frames without their chunk framing. */
  constructor(
    private readonly socket: Socket,
    private readonly limit: number,
    private readonly chunked: boolean,
  ) {}

  deliver(frame: Frame): Delivery {
    this.idleTicks = 0;
    return this.write(frame);
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
