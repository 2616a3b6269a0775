import type { Delivery, EventSink, Frame } from './subscription';

/** Told about each sink that did not take a frame, and why (`overflow` or `closed`). */
export type FanOutFailure = (sink: EventSink, delivery: Exclude<Delivery, 'sent'>) => void;

/**
 * The per-client loop of a fan-out: hands one frame to every sink of a group and
 * returns how many took it, reporting each one that did not. Behind a type of its
 * own so an adapter can do the whole loop in bulk (raw writes, several threads).
 * It must not add or remove sinks; the Broker drops the failed ones afterwards.
 */
export type FanOut = (frame: Frame, sinks: ReadonlySet<EventSink>, failed: FanOutFailure) => number;

/** The plain loop: `deliver` on each sink in turn. */
export const oneByOne: FanOut = (frame, sinks, failed) => {
  let sent = 0;
  for (const sink of sinks) {
    const delivery = sink.deliver(frame);
    if (delivery === 'sent') sent += 1;
    else failed(sink, delivery);
  }
  return sent;
};
