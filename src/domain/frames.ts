import type { Frame } from './subscription';

/** One frame holding several, back to back (frames are self-delimiting), so a client gets them in one write. */
export function joinFrames(frames: readonly Frame[]): Frame {
  if (frames.length === 1) return frames[0] as Frame;
  let length = 0;
  for (const frame of frames) length += frame.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame, offset);
    offset += frame.length;
  }
  return joined;
}
