import type { ControlName, Framer } from '../../src/domain/broker-parts';
import type { JsonText, StreamEvent } from '../../src/domain/stream-event';
import type { Frame } from '../../src/domain/subscription';

const encoder = new TextEncoder();

/**
 * A Framer whose frames read plainly: an event is `<id> <data>|`, a control message `!<name> <data>|`. It
 * records every event it encoded, and `failOn` makes it throw for the ids it holds.
 */
export class TextFramer implements Framer {
  /** Ids of the events encoded, in order. */
  readonly encoded: string[] = [];
  readonly failOn = new Set<string>();

  event(event: StreamEvent): Frame {
    if (this.failOn.has(event.id)) throw new Error(`framer bug on ${event.id} (fake)`);
    this.encoded.push(event.id);
    return encoder.encode(`${event.id} ${event.data}|`);
  }

  control(name: ControlName, data: JsonText): Frame {
    return encoder.encode(`!${name} ${data}|`);
  }
}

/**
 * What a client got, one item per frame: an event's id, or `!<name> <data>` for a control message. Frames
 * joined into one write are split again.
 */
export function receivedFrom(written: string): string[] {
  return written
    .split('|')
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('!') ? part : part.slice(0, part.indexOf(' '))));
}
