import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { between, type FaultAction, type NodeTarget } from './fault-schedule';

/** The faults of a run against the three-node cluster (`--cluster`). */
export interface ClusterScheduleSettings {
  /** The least time the publisher runs; it goes on until every fault is over, then `marginMs` more. */
  readonly publishMs: number;
  readonly replicas: number;
  /** SIGKILLs of the stream's leader node, each followed by its restart. */
  readonly leaderKills: number;
  /** SIGKILLs of a node that does not lead the stream. */
  readonly otherKills: number;
  /** Whether a replica is SIGKILLed (and restarted) too, before the node faults. */
  readonly replicaKill: boolean;
  /** Time between a SIGKILL and the restart (a range), for nodes and the replica alike. */
  readonly downMs: readonly [number, number];
  /** No fault in the first `marginMs`, and this much between the end of one fault and the next. */
  readonly marginMs: number;
}

/**
 * One after another, never overlapping, so that each pause belongs to one
 * fault: the replica kill (if any), then the node kills, the non-leader ones
 * at places the seed picks among the leader ones. Which node a kill strikes is
 * decided when it strikes (the leader moves with every election); which
 * non-leader, by the seed.
 */
export function clusterSchedule(s: ClusterScheduleSettings, seed: number): FaultAction[] {
  const rng = xoroshiro128plus(seed);
  const targets: NodeTarget[] = Array.from({ length: s.leaderKills }, () => 'leader');
  for (let n = 0; n < s.otherKills; n += 1) targets.splice(uniformInt(rng, 0, targets.length), 0, 'other');
  const chained = s.marginMs;
  const replica: FaultAction[] = s.replicaKill
    ? [
        {
          kind: 'kill',
          replica: uniformInt(rng, 0, s.replicas - 1),
          at: s.marginMs,
          downMs: between(rng, s.downMs),
          chained,
        },
      ]
    : [];
  const nodes = targets.map((target): FaultAction => ({
    kind: 'node',
    target,
    at: s.marginMs,
    downMs: between(rng, s.downMs),
    chained,
  }));
  return [...replica, ...nodes];
}
