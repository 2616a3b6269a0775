/** Bytes of one encoded event, ready for the wire; the Broker never looks inside. */
export type Frame = Uint8Array;

/** What happened to one frame handed to a sink. */
export type Delivery = 'sent' | 'overflow' | 'closed';

export type CloseReason = 'slow' | 'shutdown';

/**
 * Where a subscription's events go (one SSE connection). Every method returns at
 * once: a sink queues bytes, it never waits for a client to read them.
 */
export interface EventSink {
  /** Queues `frame`; `overflow` when the client has too much unread, `closed` when it is gone. */
  deliver(frame: Frame): Delivery;
  /** Tells the client that events were missed (the history no longer holds its last id). */
  reset(): Delivery;
  /** Shows an idle client that the stream is alive; a no-op when something was sent lately. */
  keepAlive(): Delivery;
  /** Ends the connection; after this, deliver answers `closed`. */
  close(reason: CloseReason): void;
}

export const HISTORY_GAP = { reason: 'history-gap' } as const;
