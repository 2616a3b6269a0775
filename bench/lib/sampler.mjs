// What the server costs, read from /proc: resident memory (VmRSS, sampled every
// 50 ms for the peak) and CPU time (utime + stime from /proc/<pid>/stat, and the
// finer on-CPU nanoseconds of every thread from /proc/<pid>/task/*/schedstat).
// Every figure is a sum over the server's processes (K replicas count as one server).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
const TICKS = clockTicks();

function read(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // the process is gone
  }
}

export function rssKb(pids) {
  let kb = 0;
  for (const pid of pids) {
    const m = /VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`) ?? '');
    if (m) kb += Number(m[1]);
  }
  return kb;
}

/** utime + stime in seconds (every thread, dead ones included). */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat === null) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    ticks += Number(fields[11]) + Number(fields[12]); // fields 14 and 15
  }
  return ticks / TICKS;
}

/** On-CPU seconds of the live threads, from schedstat (nanoseconds); null if unavailable. */
export function schedSeconds(pids) {
  let ns = 0;
  let seen = false;
  for (const pid of pids) {
    let tasks;
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const s = read(`/proc/${pid}/task/${tid}/schedstat`);
      if (s === null) continue;
      ns += Number(s.split(' ')[0]);
      seen = true;
    }
  }
  return seen ? ns / 1e9 : null;
}

/**
 * Busy and total CPU seconds of the whole machine, and the part spent in irq/softirq
 * (for the record: with tick-based accounting, the kernel's default, softirq time
 * is also charged to the process it interrupted, so it is not added to anything).
 */
export function machineCpu() {
  const line = (read('/proc/stat') ?? 'cpu 0 0 0 0').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  const busy = total - line[3] - (line[4] ?? 0);
  return { busy: busy / TICKS, total: total / TICKS, irq: ((line[5] ?? 0) + (line[6] ?? 0)) / TICKS };
}

export class RssSampler {
  constructor(pids, everyMs = 50) {
    this.pids = pids;
    this.peakKb = rssKb(pids);
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample() {
    const kb = rssKb(this.pids);
    if (kb > this.peakKb) this.peakKb = kb;
    return kb;
  }

  stop() {
    clearInterval(this.timer);
    return this.sample();
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    clockTicks: TICKS,
  };
}
