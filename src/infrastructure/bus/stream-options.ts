import type { Config } from '../config/config';
import type { ReplayLimits } from './replay-scan';

/** AMQP_QUEUE=stream: every replica consumes one durable stream queue bound to the exchange. */
export interface StreamOptions {
  /** AMQP_STREAM. */
  readonly name: string;
  /** STREAM_MAX_AGE_S, declared as `x-max-age`. */
  readonly maxAgeSeconds: number;
  /** STREAM_MAX_BYTES, declared as `x-max-length-bytes`. */
  readonly maxBytes: number;
  /**
   * Replicas of the stream on a cluster (`x-initial-cluster-size`); declared only when above 1. The bus
   * makes it the number of nodes its URL lists unless given.
   */
  readonly initialClusterSize?: number;
  /** Warm-up: the last N events (HISTORY_SIZE) are handed on before the bus says ready. */
  readonly historySize: number;
  /** Warm-up: and every event of this last stretch of time (idempotency keys). Default 10 minutes. */
  readonly historyWindowMs?: number;
  /**
   * How much earlier than a publish time to attach by timestamp: chunk
   * timestamps are the broker's clock, event times the publisher's. Default 60 s.
   */
  readonly clockMarginMs?: number;
  /** Unacked deliveries the live consumer may have in flight. Default: the bus's `prefetch`. */
  readonly prefetch?: number;
  /** Ids whose offset the live consumer remembers, for replays that start there. Default 100,000 (about 8 MB). */
  readonly offsetIndexSize?: number;
  /** Replays from the stream. */
  readonly replay?: Partial<ReplayLimits> & {
    /** Reads open at once per process; past it `open` answers 'busy'. Default 16. */
    readonly maxReads?: number;
  };
}

export type ResolvedStreamOptions = Required<Omit<StreamOptions, 'initialClusterSize' | 'prefetch' | 'replay'>> & {
  readonly initialClusterSize: number | undefined;
  readonly prefetch: number | undefined;
  readonly replay: ReplayLimits & { readonly maxReads: number };
};

const MIB = 1_048_576;

export const REPLAY_DEFAULTS: ResolvedStreamOptions['replay'] = {
  maxReads: 16,
  maxEvents: 100_000,
  maxScanBytes: 64 * MIB,
  prefetch: 32,
  clockMarginMs: 60_000,
  scanTimeoutMs: 30_000,
};

export function resolveStreamOptions(options: StreamOptions): ResolvedStreamOptions {
  const clockMarginMs = options.clockMarginMs ?? 60_000;
  return {
    name: options.name,
    maxAgeSeconds: options.maxAgeSeconds,
    maxBytes: options.maxBytes,
    initialClusterSize: options.initialClusterSize,
    prefetch: options.prefetch,
    historySize: options.historySize,
    historyWindowMs: options.historyWindowMs ?? 600_000,
    clockMarginMs,
    offsetIndexSize: options.offsetIndexSize ?? 100_000,
    replay: { ...REPLAY_DEFAULTS, clockMarginMs, ...options.replay },
  };
}

/**
 * The segment size the stream is declared with. The broker only ever deletes
 * whole segments, and only the ones before the segment being written, so
 * retention (age and bytes alike) acts at segment granularity. Its default,
 * 500 MB, is months of this hub's traffic (rates are a few hundred bytes a
 * second): `x-max-age` would never act. A tenth of the byte limit keeps that
 * limit within about 10 %; the 16 MiB cap makes a segment roll over every few
 * hours at this hub's rates, so a day's `x-max-age` holds within hours (1 GiB
 * is then 64 segments, a handful of files each: cheap). The 64 KiB floor
 * avoids a file per event for a silly small limit.
 */
export function segmentBytesFor(maxBytes: number): number {
  return Math.min(16 * MIB, Math.max(64 * 1024, Math.floor(maxBytes / 10)));
}

/** The arguments the stream is declared with, and compared against when it exists. */
export function streamArguments(options: ResolvedStreamOptions): Record<string, unknown> {
  const cluster = options.initialClusterSize;
  return {
    'x-queue-type': 'stream',
    'x-max-age': `${options.maxAgeSeconds}s`,
    'x-max-length-bytes': options.maxBytes,
    'x-stream-max-segment-size-bytes': segmentBytesFor(options.maxBytes),
    ...(cluster !== undefined && cluster > 1 ? { 'x-initial-cluster-size': cluster } : {}),
  };
}

/** The stream settings of AMQP_QUEUE=stream, from the configuration (undefined in exclusive mode). */
export function streamOptionsOf(
  config: Pick<Config, 'amqpQueue' | 'amqpStream' | 'streamMaxAgeSeconds' | 'streamMaxBytes' | 'historySize'>,
  historyWindowMs: number,
): StreamOptions | undefined {
  if (config.amqpQueue !== 'stream') return undefined;
  return {
    name: config.amqpStream,
    maxAgeSeconds: config.streamMaxAgeSeconds,
    maxBytes: config.streamMaxBytes,
    historySize: config.historySize,
    historyWindowMs,
  };
}
