import type { Logger } from 'pino';
import type { BrokerObserver } from '../../domain/broker-parts';
import type { CloseReason } from '../../domain/subscription';
import type { Metrics } from './metrics';

/** What the Broker reports, as metrics and (for bugs) one log line each. */
export function brokerReport(metrics: Metrics, logger: Logger): BrokerObserver {
  return {
    fannedOut: (events: number) => metrics.eventsFannedOut.inc(events),
    delivered: (events: number) => metrics.eventsDelivered.inc(events),
    dropped: (reason: CloseReason) => metrics.clientsDropped.inc({ reason }),
    failed: (stage: 'encode' | 'write', error: unknown) => {
      metrics.fanOutFailures.inc({ stage });
      logger.error({ err: error, stage }, 'an event could not be fanned out: a bug; the others go on');
    },
  };
}
