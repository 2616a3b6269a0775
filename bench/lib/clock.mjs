// One clock for every process of the bench: libuv's hrtime is CLOCK_MONOTONIC, which
// is system-wide on Linux, so a microsecond stamp taken in the driver can be
// subtracted from one taken in a load worker on the same machine.

/** Microseconds on the system's monotonic clock. */
export function nowUs() {
  const [s, ns] = process.hrtime();
  return s * 1e6 + Math.floor(ns / 1e3);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
