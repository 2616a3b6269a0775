import { parseArgs } from 'node:util';
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
}

const COMMON = {
  replicas: 2,
  cutMs: [300, 2_000],
  killAt: [0.35, 0.55],
  downMs: [500, 1_500],
  restartMs: 4_000,
  marginMs: 1_500,
} as const;

/** short: about half a minute per mode, for `npm test`; long: a few minutes, >= 20 cuts per replica. */
export const PROFILES: Record<ProfileName, { readonly schedule: ScheduleSettings; readonly settleMs: number }> = {
  short: { schedule: { ...COMMON, publishMs: 18_000, cutsPerReplica: 4 }, settleMs: 5_000 },
  long: { schedule: { ...COMMON, publishMs: 180_000, cutsPerReplica: 24 }, settleMs: 15_000 },
};

export const USAGE =
  'usage: npm run chaos -- [--profile short|long] [--mode stream|exclusive|both] [--clients K] [--rate R] [--seed S]';

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
 * anything unknown or out of range. `--cluster` is reserved: a three-node
 * RabbitMQ cluster target (see broker-target.ts) is not built yet.
 */
export function parseChaosArgs(argv: readonly string[], randomSeed: () => number): ChaosOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: 'string', default: 'short' },
      mode: { type: 'string', default: 'both' },
      clients: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      cluster: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.cluster) throw new Error('--cluster is not built yet: the harness drives a single RabbitMQ node');
  if (values.profile !== 'short' && values.profile !== 'long') {
    throw new Error(`--profile must be short or long, not "${values.profile}"`);
  }
  const modes = MODES[values.mode];
  if (modes === undefined) throw new Error(`--mode must be stream, exclusive or both, not "${values.mode}"`);
  const profile = PROFILES[values.profile];
  return {
    profile: values.profile,
    modes,
    clients: wholeNumber('clients', values.clients, 4, [1, 200]),
    rate: wholeNumber('rate', values.rate, 20, [1, 500]),
    seed: wholeNumber('seed', values.seed, randomSeed(), [0, 2 ** 31 - 1]),
    settleMs: profile.settleMs,
    schedule: profile.schedule,
  };
}
