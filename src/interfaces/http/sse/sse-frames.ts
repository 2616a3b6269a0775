import type { Framer } from '../../../domain/broker-parts';
import type { UnavailableReason } from '../../../domain/errors';
import { jsonTextOf } from '../../../domain/json-text';
import type { JsonText } from '../../../domain/stream-event';
import { chunk } from './http-chunk';
import { encodeComment, encodeControl, encodeEvent, encodeRetry } from './sse-encoder';

/** SSE text framed as HTTP chunks, ready to be written to a stream's socket as they are. */
export const sseFramer: Framer = {
  event: (event) => chunk(encodeEvent(event)),
  control: (name, data) => chunk(encodeControl(name, data)),
};

export const retryFrame = (ms: number): Buffer => chunk(encodeRetry(ms));

/** The two kinds of heartbeat: a comment (the default), or an event `EventSource` code can see. */
export const HEARTBEAT_FRAMES = {
  comment: chunk(encodeComment()),
  event: chunk(encodeControl('heartbeat', '{}' as JsonText)),
} as const;

/** The whole body of a stream turned away for a while: when to try again, and why. */
export const unavailableBody = (retryMs: number, reason: UnavailableReason): string =>
  encodeRetry(retryMs) + encodeControl('unavailable', jsonTextOf({ reason }));
