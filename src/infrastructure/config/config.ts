import type { CurrencyPair } from '../../domain/rate';

export type Role = 'server' | 'fetcher' | 'all';
export type RateSourceKind = 'coinapi' | 'simulated' | 'off';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The validated configuration; see the table in SPEC.md and the README. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly role: Role;
  readonly amqpUrl: string | undefined;
  readonly amqpExchange: string;
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
  /** JWT_KEY as given (an HMAC secret or a PEM public key; parseJwtKey reads it); a secret. */
  readonly jwtKey: string | undefined;
  /** JWT_JWKS_URL: where the keys come from instead of JWT_KEY (never both). */
  readonly jwtJwksUrl: string | undefined;
  readonly jwtIssuer: string | undefined;
  readonly jwtAudience: string | undefined;
  /** false: a stream without a valid token is refused (401); needs a JWT key. */
  readonly anonymous: boolean;
}
