import type { Config } from './config';
import { VARIABLES, type ParsedVariables, type VariableName, type VariableSpec } from './config-schema';

/** The configuration is unusable; `message` is the one line to print before exiting with 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the environment. An empty variable counts as unset.
 * Throws ConfigError naming every bad variable, its value (hidden for secrets)
 * and what is allowed.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const parsed: Partial<Record<VariableName, unknown>> = {};
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const spec: VariableSpec<unknown> = VARIABLES[name];
    const raw = env[name] === undefined || env[name] === '' ? spec.default : env[name];
    if (raw === undefined) continue;
    const result = spec.schema.safeParse(raw);
    if (result.success) parsed[name] = result.data;
    else
      problems.push(
        `${name}=${spec.secret === true ? '<hidden>' : JSON.stringify(raw)} is invalid: expected ${spec.allowed}`,
      );
  }
  const v = parsed as ParsedVariables;
  const rateSource = v.RATE_SOURCE ?? (v.COIN_API_KEY === undefined ? 'simulated' : 'coinapi');
  if (rateSource === 'coinapi' && v.COIN_API_KEY === undefined) {
    problems.push('RATE_SOURCE="coinapi" is invalid without COIN_API_KEY: set the key, or use simulated or off');
  }
  if (v.ROLE === 'fetcher' && !hasValue(env.AMQP_URL)) {
    problems.push('ROLE="fetcher" is invalid without AMQP_URL: its rates would reach no one');
  }
  const amqpStream = v.AMQP_STREAM ?? `${v.AMQP_EXCHANGE}.stream`;
  if (v.AMQP_STREAM === undefined && amqpStream.length > 255) {
    problems.push('AMQP_STREAM is unset and AMQP_EXCHANGE + ".stream" is over 255 characters: set AMQP_STREAM');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return toConfig(v, rateSource, amqpStream);
}

const hasValue = (raw: string | undefined): boolean => raw !== undefined && raw !== '';

function toConfig(v: ParsedVariables, rateSource: Config['rateSource'], amqpStream: string): Config {
  return {
    port: v.PORT,
    host: v.HOST,
    role: v.ROLE,
    amqpUrl: v.AMQP_URL,
    amqpExchange: v.AMQP_EXCHANGE,
    amqpQueue: v.AMQP_QUEUE,
    amqpStream,
    streamMaxAgeSeconds: v.STREAM_MAX_AGE_S,
    streamMaxBytes: v.STREAM_MAX_BYTES,
    rateSource,
    coinApiKey: v.COIN_API_KEY,
    coinApiUrl: v.COINAPI_URL.replace(/\/+$/, ''),
    ratePairs: v.RATE_PAIRS,
    rateIntervalMs: v.RATE_INTERVAL_MS,
    publishToken: v.PUBLISH_TOKEN,
    corsOrigins: v.CORS_ORIGINS,
    heartbeatMs: v.HEARTBEAT_MS,
    retryMs: v.RETRY_MS,
    historySize: v.HISTORY_SIZE,
    maxClients: v.MAX_CLIENTS,
    clientBufferBytes: v.CLIENT_BUFFER_BYTES,
    maxBodyBytes: v.MAX_BODY_BYTES,
    logLevel: v.LOG_LEVEL,
    fanOutThreads: v.FANOUT_THREADS,
  };
}
