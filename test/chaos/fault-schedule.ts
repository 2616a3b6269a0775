import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Which node of the cluster a node fault strikes: the stream's leader, or a node that does not lead it. */
export type NodeTarget = 'leader' | 'other';

/**
 * A broker cut of one replica's proxy, a SIGKILL of a replica then a restart, or (on the cluster) a SIGKILL
 * of a RabbitMQ node then its restart. `at` is ms from the start. A `chained` fault also waits until the
 * previous chained one has ended, plus `chained` ms: node restarts take tens of seconds, and the next
 * kill must find the cluster whole again (two nodes down of three would leave the stream no quorum).
 */
export type FaultAction = (
  | { readonly kind: 'cut'; readonly replica: number; readonly at: number; readonly durationMs: number }
  | { readonly kind: 'kill'; readonly replica: number; readonly at: number; readonly downMs: number }
  | { readonly kind: 'node'; readonly target: NodeTarget; readonly at: number; readonly downMs: number }
) & { readonly chained?: number };

type Cut = Extract<FaultAction, { kind: 'cut' }>;
type Kill = Extract<FaultAction, { kind: 'kill' }>;

export interface ScheduleSettings {
  /** How long the publisher runs: every fault starts and is planned to end within it. */
  readonly publishMs: number;
  readonly replicas: number;
  /** Cuts planned per replica; the replica that is killed loses those that would overlap its death. */
  readonly cutsPerReplica: number;
  readonly cutMs: readonly [number, number];
  /** The kill strikes at this fraction of publishMs (a range). */
  readonly killAt: readonly [number, number];
  /** Time between SIGKILL and the restart (a range). */
  readonly downMs: readonly [number, number];
  /** No fault in the first and last `marginMs`, and at least this much between two cuts of one replica. */
  readonly marginMs: number;
  /** What a restart is allowed before the replica is ready again (kept free of cuts). */
  readonly restartMs: number;
}

export const between = (rng: RandomGenerator, [low, high]: readonly [number, number]): number =>
  Math.round(low + uniformFloat64(rng) * (high - low));

/**
 * One replica's cuts: the usable time is split into equal slots, one cut at a
 * random place in each, so the count is exact and two cuts never touch.
 */
function cutsOf(rng: RandomGenerator, replica: number, s: ScheduleSettings): Cut[] {
  const slot = (s.publishMs - 2 * s.marginMs) / s.cutsPerReplica;
  const cuts: Cut[] = [];
  for (let n = 0; n < s.cutsPerReplica; n += 1) {
    const durationMs = between(rng, s.cutMs);
    const room = Math.max(0, slot - durationMs - s.marginMs);
    const at = Math.round(s.marginMs + n * slot + uniformFloat64(rng) * room);
    cuts.push({ kind: 'cut', replica, at, durationMs });
  }
  return cuts;
}

/** The fault plan of one run: the same seed and settings give the same plan. */
export function faultSchedule(s: ScheduleSettings, seed: number): FaultAction[] {
  const rng = xoroshiro128plus(seed);
  const victim = uniformInt(rng, 0, s.replicas - 1);
  const kill: Kill = {
    kind: 'kill',
    replica: victim,
    at: Math.round(s.publishMs * (s.killAt[0] + uniformFloat64(rng) * (s.killAt[1] - s.killAt[0]))),
    downMs: between(rng, s.downMs),
  };
  const dead = { from: kill.at - s.marginMs, to: kill.at + kill.downMs + s.restartMs + s.marginMs };
  const cuts = Array.from({ length: s.replicas }, (_, replica) => cutsOf(rng, replica, s)).flat();
  const spared = cuts.filter((c) => c.replica !== victim || c.at + c.durationMs < dead.from || c.at > dead.to);
  return [...spared, kill].sort((a, b) => a.at - b.at || a.replica - b.replica);
}
