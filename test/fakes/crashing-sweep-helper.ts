import { parentPort, workerData } from 'node:worker_threads';
import type { HelperData } from '../../src/interfaces/http/sse/fanout/sweep-control';
import { serveSweeps } from '../../src/interfaces/http/sse/fanout/sweep-helper-loop';

/** The real helper loop with a bug planted in its writer: the first chunk it claims throws, unwritten. */
if (parentPort === null) throw new Error('runs as a worker thread');
serveSweeps(workerData as HelperData, parentPort, () => {
  throw new Error('helper bug');
});
