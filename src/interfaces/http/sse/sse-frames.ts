import { HISTORY_GAP } from '../../../domain/subscription';
import type { StreamEvent } from '../../../domain/stream-event';
import { chunk } from './http-chunk';
import { encodeComment, encodeControl, encodeEvent, encodeRetry } from './sse-encoder';

/** SSE text framed as HTTP chunks, ready to be written to a stream's socket as they are. */
export const eventFrame = (event: StreamEvent): Buffer => chunk(encodeEvent(event));

export const retryFrame = (ms: number): Buffer => chunk(encodeRetry(ms));

export const HEARTBEAT_FRAME = chunk(encodeComment());

export const RESET_FRAME = chunk(encodeControl('reset', HISTORY_GAP));
