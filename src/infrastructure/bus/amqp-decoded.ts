import type { StreamEvent } from '../../domain/stream-event';

/** A message from the bus, validated into an event, or why it was not one. */
export type Decoded =
  { readonly ok: true; readonly event: StreamEvent } | { readonly ok: false; readonly reason: string };
