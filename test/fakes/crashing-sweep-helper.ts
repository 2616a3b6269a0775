import { workerData } from 'node:worker_threads';
import {
  COUNT,
  DONE,
  NEXT,
  POSTED,
  RUNNING,
  type HelperData,
} from '../../src/interfaces/http/sse/fanout/sweep-control';

/**
 * A stand-in sweep helper with a bug: the first time it gets slots of a sweep it
 * claims a chunk, writes none of it, hands the sweep back as the real helper's
 * `finally` does, and dies of an exception.
 */
const { control: shared, slot } = workerData as HelperData;
const control = new Int32Array(shared);
for (;;) {
  const state = Atomics.load(control, slot);
  if (state !== POSTED || Atomics.compareExchange(control, slot, POSTED, RUNNING) !== POSTED) {
    Atomics.wait(control, slot, state);
    continue;
  }
  const claimed = Atomics.add(control, NEXT, 32) < Atomics.load(control, COUNT);
  Atomics.store(control, slot, DONE);
  Atomics.notify(control, slot);
  if (claimed) throw new Error('helper bug');
}
