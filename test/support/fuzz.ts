import type { Parameters } from 'fast-check';

/**
 * How many cases a property runs: `quick` in `npm test`, or FUZZ_RUNS when set (a longer soak, e.g.
 * FUZZ_RUNS=5000). FUZZ_SEED replays a failing run with the seed fast-check printed.
 */
export function fuzzParameters<T>(quick: number): Parameters<T> & { numRuns: number } {
  const runs = Number(process.env.FUZZ_RUNS ?? '');
  const seed = Number(process.env.FUZZ_SEED ?? '');
  return {
    numRuns: Number.isSafeInteger(runs) && runs > 0 ? runs : quick,
    ...(process.env.FUZZ_SEED !== undefined && Number.isSafeInteger(seed) ? { seed } : {}),
  };
}

/** A mocha timeout for `runs` cases of about `msPerCase` each (never below mocha's 20 s default). */
export const fuzzTimeout = (runs: number, msPerCase: number): number => Math.max(20_000, runs * msPerCase);
