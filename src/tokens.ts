import type { ServiceIdentifier } from 'inversify';
import type { FlushScheduler } from './domain/broker';
import type { Clock } from './application/ports/clock.port';
import type { EventBus } from './application/ports/event-bus.port';
import type { IdGenerator } from './application/ports/id-generator.port';
import type { RateSource } from './application/ports/rate-source.port';
import type { Config } from './infrastructure/config/config';
import type { Logger } from './infrastructure/logging/logger';

/** One Symbol per port and per plain value; concrete classes are bound under themselves. */
export const TOKENS = {
  Config: Symbol('Config') as ServiceIdentifier<Config>,
  Logger: Symbol('Logger') as ServiceIdentifier<Logger>,
  EventBus: Symbol('EventBus') as ServiceIdentifier<EventBus>,
  RateSource: Symbol('RateSource') as ServiceIdentifier<RateSource | undefined>,
  Clock: Symbol('Clock') as ServiceIdentifier<Clock>,
  IdGenerator: Symbol('IdGenerator') as ServiceIdentifier<IdGenerator>,
  FlushScheduler: Symbol('FlushScheduler') as ServiceIdentifier<FlushScheduler>,
} as const;
