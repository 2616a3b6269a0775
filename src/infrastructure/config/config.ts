import type { CurrencyPair } from '../../domain/rate';

export type Role = 'server' | 'fetcher' | 'all';
export type RateSourceKind = 'coinapi' | 'simulated' | 'off';
export type AmqpQueue = 'stream' | 'exclusive';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The validated configuration; see the table in SPEC.md and the README. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly role: Role;
  readonly amqpUrl: string | undefined;
  readonly amqpExchange: string;
  /** How each replica consumes: the shared durable stream, or an exclusive queue of its own. */
  readonly amqpQueue: AmqpQueue;
  /** The stream queue bound to the exchange (stream mode). */
  readonly amqpStream: string;
  readonly streamMaxAgeSeconds: number;
  readonly streamMaxBytes: number;
  readonly rateSource: RateSourceKind;
  readonly coinApiKey: string | undefined;
  readonly coinApiUrl: string;
  readonly ratePairs: readonly CurrencyPair[];
  readonly rateIntervalMs: number;
  readonly publishToken: string | undefined;
  /** `*` for any origin, else the exact origins allowed. */
  readonly corsOrigins: '*' | readonly string[];
  readonly heartbeatMs: number;
  readonly retryMs: number;
  readonly historySize: number;
  readonly maxClients: number;
  readonly clientBufferBytes: number;
  readonly maxBodyBytes: number;
  readonly logLevel: LogLevel;
  /** Helper threads that share each large fan-out with the main thread; undefined: one fewer than the CPUs, at most 3. */
  readonly fanOutThreads: number | undefined;
}
