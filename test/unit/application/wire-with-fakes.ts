import type { Container } from 'inversify';
import pino from 'pino';
import type { Config } from '../../../src/infrastructure/config/config';
import { createContainer } from '../../../src/container';
import { TOKENS } from '../../../src/tokens';
import { testConfig } from '../../support/test-config';
import { FakeRateSource } from '../../fakes/fake-rate-source';
import { FixedClock } from '../../fakes/fixed-clock';
import { RecordingEventBus } from '../../fakes/recording-event-bus';
import { SequenceIdGenerator } from '../../fakes/sequence-id-generator';

export interface Wired {
  readonly container: Container;
  readonly bus: RecordingEventBus;
  readonly clock: FixedClock;
  readonly ids: SequenceIdGenerator;
  readonly source: FakeRateSource;
}

/** The real composition root with every edge (bus, clock, ids, logger, rate source) rebound to a fake. */
export function wireWithFakes(overrides: Partial<Config> = {}): Wired {
  const wired = {
    // No fan-out helper threads: nothing here stops the service that would stop them.
    container: createContainer(testConfig({ fanOutThreads: 0, ...overrides })),
    bus: new RecordingEventBus(),
    clock: new FixedClock(),
    ids: new SequenceIdGenerator(),
    source: new FakeRateSource(),
  };
  const { container } = wired;
  container.rebindSync(TOKENS.EventBus).toConstantValue(wired.bus);
  container.rebindSync(TOKENS.Clock).toConstantValue(wired.clock);
  container.rebindSync(TOKENS.IdGenerator).toConstantValue(wired.ids);
  container.rebindSync(TOKENS.Logger).toConstantValue(pino({ level: 'silent' }));
  container.rebindSync(TOKENS.RateSource).toConstantValue(wired.source);
  // Fan-out in the same turn as publish, so tests read deliveries synchronously.
  container.rebindSync(TOKENS.FlushScheduler).toConstantValue((flush) => flush());
  return wired;
}
