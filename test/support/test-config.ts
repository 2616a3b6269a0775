import type { Config } from '../../src/infrastructure/config/config';
import { loadConfig } from '../../src/infrastructure/config/load-config';

/** The defaults of SPEC.md on a free loopback port, with no rate source and quiet logs, plus `overrides`. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ PORT: '0', HOST: '127.0.0.1', RATE_SOURCE: 'off', LOG_LEVEL: 'error' });
  return { ...base, ...overrides };
}
