import { parseArgs } from 'node:util';
import type { ClusterScheduleSettings } from './cluster-schedule';
import type { ScheduleSettings } from './fault-schedule';

export type QueueMode = 'stream' | 'exclusive';
export type ProfileName = 'short' | 'long';

/** Everything one run of the harness needs to know, after defaults. */
export interface ChaosOptions {
  readonly profile: ProfileName;
  /** In the order they run; the table shows them side by side. */
  readonly modes: readonly QueueMode[];
  /** EventSource clients per replica. */
  readonly clients: number;
  /** Broadcasts per second. */
  readonly rate: number;
  readonly seed: number;
  /** Longest wait, after publishing stops, for every client to have every acknowledged event. */
  readonly settleMs: number;
  readonly schedule: ScheduleSettings;
  /** `--cluster`: the replicas use the three-node cluster, and this plan replaces `schedule`'s faults. */
  readonly cluster: ClusterScheduleSettings | undefined;
}

const COMMON = {
  replicas: 2,
  cutMs: [300, 2_000],
  killAt: [0.35, 0.55],
  downMs: [500, 1_500],
  restartMs: 4_000,
  marginMs: 1_500,
} as const;

const CLUSTER_COMMON = { publishMs: 6_000, replicas: 2, downMs: [1_000, 2_000], marginMs: 3_000 } as const;

/** short: about half a minute per mode, for `npm test`; long: a few minutes, >= 20 cuts per replica. */
export const PROFILES: Record<ProfileName, { readonly schedule: ScheduleSettings; readonly settleMs: number }> = {
  short: { schedule: { ...COMMON, publishMs: 18_000, cutsPerReplica: 4 }, settleMs: 5_000 },
  long: { schedule: { ...COMMON, publishMs: 180_000, cutsPerReplica: 24 }, settleMs: 15_000 },
};

/**
 * `--cluster` short: one leader kill (what .ci/run runs); long (its default): a replica kill, then the
 * leader killed three times and another node once, each restarted before the next.
 */
export const CLUSTER_PROFILES: Record<
  ProfileName,
  { readonly cluster: ClusterScheduleSettings; readonly settleMs: number }
> = {
  short: {
    cluster: { ...CLUSTER_COMMON, leaderKills: 1, otherKills: 0, replicaKill: false },
    settleMs: 10_000,
  },
  long: {
    cluster: { ...CLUSTER_COMMON, leaderKills: 3, otherKills: 1, replicaKill: true },
    settleMs: 15_000,
  },
};

export const USAGE =
  'usage: npm run chaos -- [--cluster] [--profile short|long] [--mode stream|exclusive|both] [--clients K] [--rate R] [--seed S]';

const MODES: Record<string, readonly QueueMode[]> = {
  stream: ['stream'],
  exclusive: ['exclusive'],
  both: ['stream', 'exclusive'],
};

function wholeNumber(name: string, raw: string | undefined, fallback: number, [min, max]: [number, number]): number {
  if (raw === undefined) return fallback;
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/**
 * Reads the command line; throws an Error whose message is for the user on
 * anything unknown or out of range. `--profile` defaults to short, or to long
 * with `--cluster`.
 */
export function parseChaosArgs(argv: readonly string[], randomSeed: () => number): ChaosOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      clients: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      cluster: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const name = values.profile ?? (values.cluster ? 'long' : 'short');
  if (name !== 'short' && name !== 'long') throw new Error(`--profile must be short or long, not "${name}"`);
  const modes = MODES[values.mode];
  if (modes === undefined) throw new Error(`--mode must be stream, exclusive or both, not "${values.mode}"`);
  const profile = PROFILES[name];
  const cluster = values.cluster ? CLUSTER_PROFILES[name] : undefined;
  return {
    profile: name,
    modes,
    clients: wholeNumber('clients', values.clients, 4, [1, 200]),
    rate: wholeNumber('rate', values.rate, 20, [1, 500]),
    seed: wholeNumber('seed', values.seed, randomSeed(), [0, 2 ** 31 - 1]),
    settleMs: cluster?.settleMs ?? profile.settleMs,
    schedule: profile.schedule,
    cluster: cluster?.cluster,
  };
}
