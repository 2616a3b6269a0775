import { toConfig, type Config } from './config';
import { jwtProblems } from './jwt-rules';
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
  problems.push(...jwtProblems(v, { key: hasValue(env.JWT_KEY), jwksUrl: hasValue(env.JWT_JWKS_URL) }));
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return toConfig(v, rateSource, amqpStream);
}

const hasValue = (raw: string | undefined): boolean => raw !== undefined && raw !== '';
