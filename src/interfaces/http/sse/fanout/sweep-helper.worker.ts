import { parentPort, workerData } from 'node:worker_threads';
import type { HelperData } from './sweep-control';
import { serveSweeps } from './sweep-helper-loop';

/** The script of a sweep helper thread (started by SweepHelperThreads). */
if (parentPort === null) throw new Error('the sweep helper runs as a worker thread');
serveSweeps(workerData as HelperData, parentPort);
