import { z } from 'zod';
import { parsePair, type CurrencyPair } from '../../domain/rate';
import { TopicSelection } from '../../domain/topic-selection';

/** How one environment variable is read: its zod schema over the raw string, and the rule in words. */
export interface VariableSpec<T> {
  readonly schema: z.ZodType<T, string>;
  readonly allowed: string;
  /** Never echo the value (keys, tokens). */
  readonly secret?: boolean;
  /** Used when the variable is unset or empty. */
  readonly default?: string;
}

type Defaulted<T> = VariableSpec<T> & { readonly default: string };

const or = <T>(spec: VariableSpec<T>, value: string): Defaulted<T> => ({ ...spec, default: value });

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit

const whole = (min: number, max: number): VariableSpec<number> => ({
  schema: z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max)),
  allowed: `a whole number from ${min} to ${max}`,
});

const oneOf = <T extends string>(...values: [T, ...T[]]): VariableSpec<T> => ({
  schema: z.enum(values),
  allowed: `one of ${values.join(', ')}`,
});

const url = (protocols: readonly string[]): VariableSpec<string> => ({
  schema: z.string().refine((raw) => URL.canParse(raw) && protocols.includes(new URL(raw).protocol)),
  allowed: `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
});

const isAmqpUrl = (raw: string): boolean => URL.canParse(raw) && ['amqp:', 'amqps:'].includes(new URL(raw).protocol);

/** The node a URL names (host and port): a cluster's list names each node once. */
const nodeOf = (raw: string): string => {
  const url = new URL(raw);
  return `${url.hostname}:${url.port === '' ? (url.protocol === 'amqps:' ? '5671' : '5672') : url.port}`;
};

/** AMQP_URL: one URL, or a comma list of the nodes of one cluster; kept as a comma list without spaces. */
const amqpUrls: VariableSpec<string> = {
  schema: z
    .string()
    .transform((raw) => raw.split(',').map((item) => item.trim()))
    .refine((items) => items.every(isAmqpUrl) && new Set(items.map(nodeOf)).size === items.length)
    .transform((items) => items.join(',')),
  allowed: 'a URL starting with amqp:// or amqps://, or a comma list of such URLs naming each node of one cluster once',
  secret: true,
};

/** Exchange and queue names: what RabbitMQ allows, held to the topic alphabet. */
const amqpName: VariableSpec<string> = {
  schema: z.string().regex(/^[A-Za-z0-9._:-]{1,255}$/),
  allowed: '1-255 characters of A-Za-z0-9._:-',
};

const secret: VariableSpec<string> = { schema: z.string(), allowed: 'any text', secret: true };

const text: VariableSpec<string> = { schema: z.string(), allowed: 'any text' };

const bool: VariableSpec<boolean> = {
  schema: z.enum(['true', 'false']).transform((raw) => raw === 'true'),
  allowed: 'one of true, false',
};

/** A bearer token that is neither guessable by length nor mangled by a copy that trims it. */
const bearerToken: VariableSpec<string> = {
  schema: z
    .string()
    .min(16)
    .refine((raw) => raw === raw.trim()),
  allowed: 'at least 16 characters, without leading or trailing whitespace',
  secret: true,
};

const pairs: VariableSpec<readonly CurrencyPair[]> = {
  schema: z.string().transform((raw, ctx) => {
    const out: CurrencyPair[] = [];
    for (const item of raw.split(',')) {
      const pair = parsePair(item);
      if (!pair.ok) return (ctx.addIssue({ code: 'custom', message: pair.error.message }), z.NEVER);
      if (!out.some((p) => p.base === pair.value.base && p.quote === pair.value.quote)) out.push(pair.value);
    }
    return out;
  }),
  allowed: 'a comma list of pairs such as BTC/USD,ETH/USD',
};

/** `https://a.example/` and `https://a.example` name the same origin; anything with a path does not. */
function originOf(raw: string): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.origin !== 'null';
  return bare && /^https?:$/.test(url.protocol) ? url.origin : undefined;
}

const origins: VariableSpec<'*' | readonly string[]> = {
  schema: z.string().transform((raw, ctx) => {
    if (raw.trim() === '*') return '*' as const;
    const list: string[] = [];
    for (const item of raw.split(',')) {
      const origin = originOf(item.trim());
      if (origin === undefined) return (ctx.addIssue({ code: 'custom', message: item }), z.NEVER);
      list.push(origin);
    }
    return list;
  }),
  allowed: '* or a comma list of origins such as https://example.com',
};

/** A comma list of topic filters, in the syntax of the stream's `topic` query. */
const topicFilters: VariableSpec<TopicSelection> = {
  schema: z.string().transform((raw, ctx) => {
    const parsed = TopicSelection.of(raw.split(',').map((item) => item.trim()));
    if (!parsed.ok) return (ctx.addIssue({ code: 'custom', message: parsed.error.message }), z.NEVER);
    return parsed.value;
  }),
  allowed: 'a comma list of topic filters such as rates.*,news',
};

/** Every variable of SPEC.md with its default, in the order errors are reported. */
export const VARIABLES = {
  PORT: or(whole(0, 65535), '8181'),
  HOST: or({ schema: z.string().regex(/^[A-Za-z0-9.:_-]{1,253}$/), allowed: 'a host name or IP address' }, '0.0.0.0'),
  ROLE: or(oneOf('server', 'fetcher', 'all'), 'all'),
  AMQP_URL: amqpUrls,
  AMQP_EXCHANGE: or(amqpName, 'crypto-info'),
  AMQP_QUEUE: or(oneOf('stream', 'exclusive'), 'stream'),
  // Its default depends on AMQP_EXCHANGE: loadConfig derives it.
  AMQP_STREAM: amqpName,
  STREAM_MAX_AGE_S: or(whole(1, Number.MAX_SAFE_INTEGER), '86400'),
  STREAM_MAX_BYTES: or(whole(1, Number.MAX_SAFE_INTEGER), '1073741824'),
  RATE_SOURCE: oneOf('coinapi', 'simulated', 'off'),
  COIN_API_KEY: secret,
  COINAPI_URL: or(url(['http:', 'https:']), 'https://rest.coinapi.io'),
  RATE_PAIRS: or(pairs, 'BTC/USD,ETH/USD'),
  RATE_INTERVAL_MS: or(whole(100, MAX_TIMER_MS), '1000'),
  PUBLISH_TOKEN: bearerToken,
  CORS_ORIGINS: or(origins, '*'),
  HEARTBEAT_MS: or(whole(100, MAX_TIMER_MS), '15000'),
  RETRY_MS: or(whole(0, MAX_TIMER_MS), '3000'),
  HISTORY_SIZE: or(whole(0, 1_000_000), '1000'),
  HISTORY_BYTES: or(whole(1, 2 ** 40), '67108864'),
  MAX_CLIENTS: or(whole(1, 10_000_000), '100000'),
  CLIENT_BUFFER_BYTES: or(whole(1, 1 << 30), '1048576'),
  MAX_BODY_BYTES: or(whole(1, 1 << 30), '65536'),
  LOG_LEVEL: or(oneOf('debug', 'info', 'warn', 'error'), 'info'),
  SLOW_CLIENTS: or(oneOf('drop', 'conflate'), 'drop'),
  CONFLATE_TOPICS: or(topicFilters, 'rates.*'),
  FANOUT: oneOf('direct', 'stream'),
  FANOUT_THREADS: whole(0, 16),
  // Checked as a whole by jwtProblems (an HMAC secret or a PEM public key), so the error can say what is wrong.
  JWT_KEY: secret,
  JWT_JWKS_URL: url(['http:', 'https:']),
  JWT_ISSUER: text,
  JWT_AUDIENCE: text,
  ANONYMOUS: or(bool, 'true'),
} satisfies Record<string, VariableSpec<unknown>>;

export type VariableName = keyof typeof VARIABLES;

/** The parsed value of every variable: defaulted ones are always there. */
export type ParsedVariables = {
  [K in VariableName]: (typeof VARIABLES)[K] extends Defaulted<infer T>
    ? T
    : (typeof VARIABLES)[K] extends VariableSpec<infer T>
      ? T | undefined
      : never;
};
