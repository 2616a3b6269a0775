import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { writeEach, type WriteRange } from './fd-write';
import { DONE, LENGTH, POSTED, RUNNING, STOP, sweepClaims, sweepData, type HelperData } from './sweep-control';

/**
 * A sweep helper's life (see sweep-control.ts): waits on its state word, and when
 * a sweep is posted takes a share of its writes. It never runs its event loop, so
 * buffers grown by the main thread (posted before the sweep that needs them) are
 * read synchronously from `port`. Returns on STOP.
 */
export function serveSweeps(init: HelperData, port: MessagePort, write: WriteRange = writeEach): void {
  const control = new Int32Array(init.control);
  const slot = init.slot;
  let data = sweepData(init.buffer, init.capacity);
  for (;;) {
    const state = Atomics.load(control, slot);
    if (state === STOP) return;
    if (state !== POSTED) {
      Atomics.wait(control, slot, state);
      continue;
    }
    if (Atomics.compareExchange(control, slot, POSTED, RUNNING) !== POSTED) continue; // cancelled: look again
    try {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const next = m.message as HelperData;
        data = sweepData(next.buffer, next.capacity);
      }
      sweepClaims(control, data, data.frame.subarray(0, Atomics.load(control, LENGTH)), true, write);
    } finally {
      // Even when dying of a bug: the main thread waits for DONE, then writes what is left PENDING itself.
      Atomics.store(control, slot, DONE);
      Atomics.notify(control, slot);
    }
  }
}
