import { workerData } from 'node:worker_threads';
import { COUNT, DONE, NEXT, POSTED, RUNNING } from '../../src/interfaces/http/sse/fanout/sweep-control';
import type { HelperData } from '../../src/interfaces/http/sse/fanout/sweep-helper';

/**
 * A stand-in sweep helper that hangs: it takes every sweep posted to it and
 * claims a chunk of slots; the first time it gets slots (it may come too late
 * for some sweeps) it never writes them and never answers again.
 */
const { control: shared, slot } = workerData as HelperData;
const control = new Int32Array(shared);
for (;;) {
  const state = Atomics.load(control, slot);
  if (state !== POSTED || Atomics.compareExchange(control, slot, POSTED, RUNNING) !== POSTED) {
    Atomics.wait(control, slot, state);
    continue;
  }
  if (Atomics.add(control, NEXT, 32) < Atomics.load(control, COUNT)) break;
  Atomics.store(control, slot, DONE);
  Atomics.notify(control, slot);
}
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
