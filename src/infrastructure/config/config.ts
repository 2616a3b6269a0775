import type { ParsedVariables } from './config-schema';

export type Role = ParsedVariables['ROLE'];
export type LogLevel = ParsedVariables['LOG_LEVEL'];
export type AmqpQueue = ParsedVariables['AMQP_QUEUE'];
export type RateSourceKind = NonNullable<ParsedVariables['RATE_SOURCE']>;

/** The validated configuration (see the table in SPEC.md and the README): one field per variable. */
export type Config = ReturnType<typeof toConfig>;

/** Names the parsed variables for the code; their types come from the schema in config-schema.ts. */
export function toConfig(v: ParsedVariables, rateSource: RateSourceKind, amqpStream: string) {
  return {
    port: v.PORT,
    host: v.HOST,
    role: v.ROLE,
    /** One URL, or the comma list of a cluster's nodes (the bus starts at one at random); holds passwords. */
    amqpUrl: v.AMQP_URL,
    amqpExchange: v.AMQP_EXCHANGE,
    /** How each replica consumes: the shared durable stream, or an exclusive queue of its own. */
    amqpQueue: v.AMQP_QUEUE,
    /** The stream queue bound to the exchange (stream mode). */
    amqpStream,
    streamMaxAgeSeconds: v.STREAM_MAX_AGE_S,
    streamMaxBytes: v.STREAM_MAX_BYTES,
    rateSource,
    coinApiKey: v.COIN_API_KEY,
    coinApiUrl: v.COINAPI_URL.replace(/\/+$/, ''),
    ratePairs: v.RATE_PAIRS,
    rateIntervalMs: v.RATE_INTERVAL_MS,
    publishToken: v.PUBLISH_TOKEN,
    /** `*` for any origin, else the exact origins allowed. */
    corsOrigins: v.CORS_ORIGINS,
    heartbeatMs: v.HEARTBEAT_MS,
    retryMs: v.RETRY_MS,
    historySize: v.HISTORY_SIZE,
    historyBytes: v.HISTORY_BYTES,
    maxClients: v.MAX_CLIENTS,
    clientBufferBytes: v.CLIENT_BUFFER_BYTES,
    maxBodyBytes: v.MAX_BODY_BYTES,
    logLevel: v.LOG_LEVEL,
    /** Topics whose waiting events are conflated for slow clients; undefined with SLOW_CLIENTS=drop. */
    conflateTopics: v.SLOW_CLIENTS === 'conflate' ? v.CONFLATE_TOPICS : undefined,
    /** direct: raw writes on stream sockets where they apply (see the README); stream: Node's socket streams. */
    fanOut: v.FANOUT ?? (process.platform === 'win32' ? 'stream' : 'direct'),
    /** Helper threads that share each large fan-out with the main thread; undefined: CPUs − 1, at most 3. */
    fanOutThreads: v.FANOUT_THREADS,
    /** JWT_KEY as given (an HMAC secret or a PEM public key; parseJwtKey reads it); a secret. */
    jwtKey: v.JWT_KEY,
    /** JWT_JWKS_URL: where the keys come from instead of JWT_KEY (never both). */
    jwtJwksUrl: v.JWT_JWKS_URL,
    jwtIssuer: v.JWT_ISSUER,
    jwtAudience: v.JWT_AUDIENCE,
    /** false: a stream without a valid token is refused (401); needs a JWT key. */
    anonymous: v.ANONYMOUS,
  } as const;
}
