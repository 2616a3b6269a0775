import type { ServiceIdentifier } from 'inversify';
import type { Clock } from './application/ports/clock.port';
import type { EventPublisher } from './application/ports/event-publisher.port';
import type { IdGenerator } from './application/ports/id-generator.port';
import type { RateSource } from './application/ports/rate-source.port';
import type { TokenVerifier } from './application/ports/token-verifier.port';
import type { FanOutWriter } from './domain/fan-out-writer';
import type { FlushScheduler } from './domain/broker-parts';
import type { EventBus } from './infrastructure/bus/event-bus';
import type { Config } from './infrastructure/config/config';
import type { Logger } from './infrastructure/logging/logger';

/** One Symbol per port and per plain value; concrete classes are bound under themselves. */
export const TOKENS = {
  Config: Symbol('Config') as ServiceIdentifier<Config>,
  Logger: Symbol('Logger') as ServiceIdentifier<Logger>,
  EventBus: Symbol('EventBus') as ServiceIdentifier<EventBus>,
  /** The bus, as the use-cases see it, counting what it accepted. */
  EventPublisher: Symbol('EventPublisher') as ServiceIdentifier<EventPublisher>,
  RateSource: Symbol('RateSource') as ServiceIdentifier<RateSource | undefined>,
  TokenVerifier: Symbol('TokenVerifier') as ServiceIdentifier<TokenVerifier | undefined>,
  Clock: Symbol('Clock') as ServiceIdentifier<Clock>,
  IdGenerator: Symbol('IdGenerator') as ServiceIdentifier<IdGenerator>,
  FlushScheduler: Symbol('FlushScheduler') as ServiceIdentifier<FlushScheduler>,
  FanOutWriter: Symbol('FanOutWriter') as ServiceIdentifier<FanOutWriter>,
  /** How long a request's headers and body may take (SPEC.md: 15 s); tests shorten it. */
  RequestDeadlineMs: Symbol('RequestDeadlineMs') as ServiceIdentifier<number>,
} as const;
