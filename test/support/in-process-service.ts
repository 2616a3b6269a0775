import type { Container } from 'inversify';
import pino from 'pino';
import type { Config } from '../../src/infrastructure/config/config';
import { createContainer } from '../../src/container';
import { TOKENS } from '../../src/tokens';
import { Service } from '../../src/service';
import { testConfig } from './test-config';

export interface RunningService {
  readonly container: Container;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Boots the real app through the composition root, on a free loopback port.
 * `rebind` swaps edges (bus, clock, rate source) before anything is resolved.
 */
export async function startService(
  overrides: Partial<Config> = {},
  rebind: (container: Container) => void = () => undefined,
): Promise<RunningService> {
  const container = createContainer(testConfig(overrides));
  container.rebindSync(TOKENS.Logger).toConstantValue(pino({ level: 'silent' }));
  rebind(container);
  const service = container.get(Service);
  const address = await service.start();
  let stopped: Promise<void> | undefined;
  return {
    container,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    stop: () => (stopped ??= service.stop()),
  };
}

/** Both ways the fan-out can write to stream sockets: the stream tests run in each. */
export const FANOUT_MODES = ['direct', 'stream'] as const;
