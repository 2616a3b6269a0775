import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { CloseReason, Delivery, EventSink, Frame } from '../../../domain/subscription';
import type { DirectWritable } from './fanout/direct-writable';
import { WOULD_BLOCK } from './fanout/fd-write';
import { LAST_CHUNK, unchunk } from './http-chunk';

export interface SinkOptions {
  /** false: an HTTP/1.0 client, which gets the frames without their chunk framing. */
  readonly chunked: boolean;
  /** What an idle stream gets (a comment, or a heartbeat event). */
  readonly heartbeat: Frame;
  /** FANOUT=direct: the direct fan-out may write to this socket's descriptor. */
  readonly direct: boolean;
  /** How long a stream ended gracefully may take to leave before its connection is cut (default 5 s). */
  readonly closeGraceMs?: number;
}

const CLOSE_GRACE_MS = 5_000;

const EMPTY = Buffer.alloc(0);

/**
 * One stream client, after the handshake: frames go straight to its socket (they are already HTTP chunks).
 * A write never waits; what the kernel does not take waits in the socket's queue, and the Broker then
 * treats the client as behind until it has drained.
 */
export class SseSink implements EventSink, DirectWritable {
  /** Keep-alive ticks (two per HEARTBEAT_MS) since something was last written. */
  private idleTicks = 0;
  /** The socket's descriptor for direct writes; -1 when they do not apply to it. */
  private readonly fd: number;

  constructor(
    private readonly socket: Socket,
    private readonly options: SinkOptions,
  ) {
    const fd = plainTcpFd(socket);
    this.fd = options.direct && options.chunked ? fd : -1;
  }

  write(frame: Frame): Delivery {
    const socket = this.socket;
    if (!socket.writable) return 'closed';
    this.idleTicks = 0;
    const roomLeft = socket.write(this.options.chunked ? frame : unchunk(frame));
    if (socket.writableLength === 0) return 'sent';
    return roomLeft ? 'queued' : 'full';
  }

  queuedBytes(): number {
    return this.socket.writableLength;
  }

  /** An empty write's callback runs once every earlier write has left (or with an error, when it never will). */
  whenFlushed(flushed: () => void): void {
    if (!this.socket.writable) return;
    this.socket.write(EMPTY, (error) => {
      if (error === undefined || error === null) flushed();
    });
  }

  directFd(): number {
    const socket = this.socket;
    return this.fd >= 0 && socket.writable && socket.writableLength === 0 && handleOf(socket) !== null ? this.fd : -1;
  }

  directWritten(frame: Frame, written: number): Delivery {
    this.idleTicks = 0;
    if (written === frame.length) return 'sent';
    if (written < 0 && written !== WOULD_BLOCK) {
      // FAILED, or UNEXPECTED (a bug, which the fan-out reports): the connection is unusable.
      this.socket.destroy();
      return 'closed';
    }
    return this.write(written > 0 ? frame.subarray(written) : frame);
  }

  /** Called every half HEARTBEAT_MS: the second tick without a write sends a heartbeat. */
  keepAlive(): Delivery {
    this.idleTicks += 1;
    if (this.idleTicks < 2) return this.socket.writable ? 'sent' : 'closed';
    return this.write(this.options.heartbeat);
  }

  close(reason: CloseReason): void {
    const socket = this.socket;
    if (reason === 'slow' || reason === 'stalled' || reason === 'memory') {
      // Its queue is full or stuck: waiting for it to drain is what we must not do.
      socket.destroy();
      return;
    }
    if (reason === 'expired') {
      // SPEC.md: nothing reaches the client after exp, not even what waits in the kernel's send buffer.
      resetOrDestroy(socket);
      return;
    }
    if (!socket.writable) return;
    if (this.options.chunked) socket.end(LAST_CHUNK);
    else socket.end();
    // A client that stopped reading would hold the connection (and a shutdown waiting for it) forever.
    const cut = setTimeout(() => socket.destroy(), this.options.closeGraceMs ?? CLOSE_GRACE_MS).unref();
    socket.once('close', () => clearTimeout(cut));
  }
}

/** Drops the connection with a TCP reset, so the kernel discards what it still holds for the peer. */
function resetOrDestroy(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    // Not a TCP handle (TLS, a pipe): there is no reset to send, only a close.
    socket.destroy();
  }
}

interface Handle {
  readonly fd?: unknown;
}

/** Node's native handle of a socket (null once destroyed); `fd` is its descriptor on Unix. */
const handleOf = (socket: Socket): Handle | null => (socket as unknown as { _handle: Handle | null })._handle;

/** The descriptor of a plain TCP socket with a live handle, else -1 (TLS, other streams, no descriptor). */
function plainTcpFd(socket: Socket): number {
  if (!(socket instanceof Socket) || socket instanceof TLSSocket) return -1;
  const fd = handleOf(socket)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}
