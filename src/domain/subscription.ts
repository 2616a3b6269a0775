/** Bytes of one encoded event or control message, ready for the wire; the Broker never looks inside. */
export type Frame = Uint8Array;

/**
 * What became of a write to a sink. `sent`: the transport took every byte. `queued`: some bytes wait in the
 * transport (the client is behind: later events go to its backlog until it has caught up). `full`: they
 * wait and the transport holds all it should: write nothing more until it has flushed. `closed`: gone.
 */
export type Delivery = 'sent' | 'queued' | 'full' | 'closed';

/** Why the server ended a stream (each is counted). */
export type CloseReason = 'slow' | 'stalled' | 'memory' | 'shutdown' | 'expired' | 'replay-failed';

/**
 * Where a subscription's events go (one SSE connection). Every method returns at once: a sink queues
 * bytes, it never waits for a client to read them.
 */
export interface EventSink {
  /** Writes `frame` (see Delivery); after `close`, answers `closed`. */
  write(frame: Frame): Delivery;
  /** Bytes written but not yet taken by the transport. */
  queuedBytes(): number;
  /** Calls `flushed` once, when the bytes queued now have left; never if the connection closes first. */
  whenFlushed(flushed: () => void): void;
  /** Shows an idle client that the stream is alive; a no-op when something was written lately. */
  keepAlive(): Delivery;
  /** Ends the connection. */
  close(reason: CloseReason): void;
}
