import type { Subscriber } from './subscriber';
import type { Delivery, Frame } from './subscription';

/** Told about each subscriber whose sink did not take the whole frame, and what happened instead. */
export type WriteShortfall = (subscriber: Subscriber, delivery: Exclude<Delivery, 'sent'>) => void;

/**
 * The per-client loop of a fan-out: writes one frame to the sink of every subscriber in the `live` sets (the
 * live clients of the groups that get the same bytes) and returns how many took all of it, reporting each one
 * that did not. Behind a type of its own so an adapter can do the loop in bulk (raw writes, several threads).
 * It must not add or remove subscribers: the Broker settles the shortfalls once it has returned.
 */
export type FanOutWriter = (frame: Frame, live: readonly ReadonlySet<Subscriber>[], short: WriteShortfall) => number;

/** The plain loop: `write` on each sink in turn. */
export const writeEachSink: FanOutWriter = (frame, live, short) => {
  let sent = 0;
  for (const set of live) {
    for (const subscriber of set) {
      const delivery = subscriber.sink.write(frame);
      if (delivery === 'sent') sent += 1;
      else short(subscriber, delivery);
    }
  }
  return sent;
};
