import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../../src/infrastructure/config/load-config';

/** The ConfigError message for `env`; fails the test when the config loads. */
const problem = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be invalid`);
};

const SPEC_DEFAULTS = {
  port: 8181,
  host: '0.0.0.0',
  role: 'all',
  amqpUrl: undefined,
  amqpExchange: 'crypto-info',
  amqpQueue: 'stream',
  amqpStream: 'crypto-info.stream',
  streamMaxAgeSeconds: 86400,
  streamMaxBytes: 1073741824,
  rateSource: 'simulated',
  coinApiKey: undefined,
  coinApiUrl: 'https://rest.coinapi.io',
  ratePairs: [
    { base: 'BTC', quote: 'USD' },
    { base: 'ETH', quote: 'USD' },
  ],
  rateIntervalMs: 1000,
  publishToken: undefined,
  corsOrigins: '*',
  heartbeatMs: 15000,
  retryMs: 3000,
  historySize: 1000,
  historyBytes: 67108864,
  maxClients: 100000,
  clientBufferBytes: 1048576,
  maxBodyBytes: 65536,
  logLevel: 'info',
  conflateTopics: undefined,
  fanOut: 'direct',
  fanOutThreads: undefined,
  jwtKey: undefined,
  jwtJwksUrl: undefined,
  jwtIssuer: undefined,
  jwtAudience: undefined,
  anonymous: true,
};

/** [variable, config field, lowest allowed, highest allowed or undefined]. */
const BOUNDS: [string, keyof typeof SPEC_DEFAULTS, number, number | undefined][] = [
  ['PORT', 'port', 0, 65535],
  ['RATE_INTERVAL_MS', 'rateIntervalMs', 100, undefined],
  ['HEARTBEAT_MS', 'heartbeatMs', 100, undefined],
  ['MAX_CLIENTS', 'maxClients', 1, undefined],
  ['CLIENT_BUFFER_BYTES', 'clientBufferBytes', 1, undefined],
  ['MAX_BODY_BYTES', 'maxBodyBytes', 1, undefined],
  ['HISTORY_SIZE', 'historySize', 0, undefined],
  ['RETRY_MS', 'retryMs', 0, undefined],
  ['FANOUT_THREADS', 'fanOutThreads', 0, 16],
  ['HISTORY_BYTES', 'historyBytes', 1, undefined],
  ['STREAM_MAX_AGE_S', 'streamMaxAgeSeconds', 1, undefined],
  ['STREAM_MAX_BYTES', 'streamMaxBytes', 1, undefined],
];

describe('loadConfig', () => {
  it("uses SPEC.md's defaults for an empty environment", () => {
    expect(loadConfig({})).to.deep.equal(SPEC_DEFAULTS);
  });

  it('treats empty variables as unset', () => {
    const empty = Object.fromEntries(
      [
        'PORT',
        'ROLE',
        'AMQP_URL',
        'RATE_SOURCE',
        'CORS_ORIGINS',
        'LOG_LEVEL',
        'ANONYMOUS',
        'JWT_JWKS_URL',
        'AMQP_QUEUE',
        'AMQP_STREAM',
      ].map((n) => [n, '']),
    );
    expect(loadConfig({ ...empty, COIN_API_KEY: '', PUBLISH_TOKEN: '', JWT_KEY: '' })).to.deep.equal(SPEC_DEFAULTS);
  });

  it('ignores unknown variables', () => {
    expect(loadConfig({ SOMETHING_ELSE: 'x', port: 'nonsense' })).to.deep.equal(SPEC_DEFAULTS);
  });

  for (const [name, field, min, max] of BOUNDS) {
    it(`accepts ${name} at its lower bound ${min}${max === undefined ? '' : ` and upper bound ${max}`}`, () => {
      expect(loadConfig({ [name]: String(min) })[field]).to.equal(min);
      if (max !== undefined) expect(loadConfig({ [name]: String(max) })[field]).to.equal(max);
    });

    it(`rejects ${name} below ${min}${max === undefined ? '' : ` and above ${max}`}, naming variable, value and rule`, () => {
      const below = min === 0 ? '-1' : String(min - 1);
      expect(problem({ [name]: below }))
        .to.include(`${name}="${below}"`)
        .and.to.include(`from ${min}`);
      if (max !== undefined) expect(problem({ [name]: String(max + 1) })).to.include(`${name}="${max + 1}"`);
    });
  }

  for (const raw of ['1e3', '-1', '12abc', ' 5', '5 ', '0x10', '1.5', '1_000', '+5', 'NaN']) {
    it(`rejects the non-decimal number ${JSON.stringify(raw)} with a message naming the variable, the value and what is allowed`, () => {
      const message = problem({ RATE_INTERVAL_MS: raw });
      expect(message).to.include('RATE_INTERVAL_MS');
      expect(message).to.include(JSON.stringify(raw));
      expect(message).to.include('a whole number from 100');
    });
  }

  it('reports every invalid variable at once', () => {
    const message = problem({ PORT: 'x', HEARTBEAT_MS: '5', LOG_LEVEL: 'loud' });
    expect(message).to.include('PORT=').and.to.include('HEARTBEAT_MS=').and.to.include('LOG_LEVEL=');
  });

  it('keeps the error to one line, even for a value holding a newline', () => {
    expect(problem({ HOST: 'a\nb', PORT: 'x' })).not.to.match(/[\r\n]/);
  });

  /** [variable, field, values accepted on their own, the rule the error states]. */
  const ENUMS: [string, keyof typeof SPEC_DEFAULTS, string[], string][] = [
    ['ROLE', 'role', ['server', 'all'], 'one of server, fetcher, all'],
    ['RATE_SOURCE', 'rateSource', ['simulated', 'off'], 'one of coinapi, simulated, off'],
    ['LOG_LEVEL', 'logLevel', ['debug', 'info', 'warn', 'error'], 'one of debug, info, warn, error'],
    ['AMQP_QUEUE', 'amqpQueue', ['stream', 'exclusive'], 'one of stream, exclusive'],
    ['FANOUT', 'fanOut', ['direct', 'stream'], 'one of direct, stream'],
  ];
  for (const [name, field, values, rule] of ENUMS) {
    it(`accepts ${name} values ${values.join(', ')}`, () => {
      for (const value of values) expect(loadConfig({ [name]: value })[field]).to.equal(value);
    });

    it(`rejects another ${name} with the list of allowed values`, () => {
      expect(problem({ [name]: 'Other' }))
        .to.include(`${name}="Other"`)
        .and.to.include(rule);
      expect(problem({ [name]: values[0]!.toUpperCase() })).to.include(name);
    });
  }

  it('accepts ROLE=fetcher with AMQP_URL', () => {
    expect(loadConfig({ ROLE: 'fetcher', AMQP_URL: 'amqp://localhost' }).role).to.equal('fetcher');
  });

  it('rejects ROLE=fetcher without AMQP_URL', () => {
    expect(problem({ ROLE: 'fetcher' }))
      .to.include('ROLE="fetcher"')
      .and.to.include('AMQP_URL');
    expect(problem({ ROLE: 'fetcher', AMQP_URL: '' })).to.include('AMQP_URL');
  });

  it('defaults RATE_SOURCE to coinapi when COIN_API_KEY is set', () => {
    expect(loadConfig({ COIN_API_KEY: 'k' })).to.include({ rateSource: 'coinapi', coinApiKey: 'k' });
  });

  it('lets RATE_SOURCE override the default even with a key', () => {
    expect(loadConfig({ COIN_API_KEY: 'k', RATE_SOURCE: 'off' }).rateSource).to.equal('off');
  });

  it('rejects RATE_SOURCE=coinapi without COIN_API_KEY', () => {
    expect(problem({ RATE_SOURCE: 'coinapi' }))
      .to.include('RATE_SOURCE="coinapi"')
      .and.to.include('COIN_API_KEY');
    expect(problem({ RATE_SOURCE: 'coinapi', COIN_API_KEY: '' })).to.include('COIN_API_KEY');
  });

  it('never puts a secret value in an error message', () => {
    const secrets = {
      COIN_API_KEY: 'key-SECRET-1',
      PUBLISH_TOKEN: 'token-SECRET-2-long-enough',
      JWT_KEY: 'jwt-SECRET-4',
      AMQP_URL: 'http://user:SECRET-3@host',
    };
    const message = problem({ ...secrets, PORT: 'bad', RATE_SOURCE: 'coinapi', ROLE: 'fetcher' });
    expect(message).to.include('AMQP_URL');
    expect(message).not.to.include('SECRET');
  });

  it('keeps the secret values it loads', () => {
    const env = {
      COIN_API_KEY: 'k1',
      PUBLISH_TOKEN: 't1'.repeat(8),
      AMQP_URL: 'amqps://u:p@h/v',
      JWT_KEY: 'j'.repeat(32),
    };
    expect(loadConfig(env)).to.include({
      coinApiKey: 'k1',
      publishToken: 't1'.repeat(8),
      amqpUrl: 'amqps://u:p@h/v',
      jwtKey: 'j'.repeat(32),
    });
  });
});
