import type { Logger } from 'pino';
import type { BrokerObserver, FailureStage } from '../../domain/broker-parts';
import type { CloseReason } from '../../domain/subscription';
import type { Metrics } from './metrics';

/** What the Broker reports, as metrics and (for bugs) one log line each. */
export function brokerReport(metrics: Metrics, logger: Logger): BrokerObserver {
  return {
    fannedOut: (events: number) => metrics.eventsFannedOut.inc(events),
    delivered: (events: number) => metrics.eventsDelivered.inc(events),
    dropped: (reason: CloseReason) => metrics.clientsDropped.inc({ reason }),
    failed: (stage: FailureStage, error: unknown) => {
      metrics.fanOutFailures.inc({ stage });
      const what = stage === 'timer' ? 'a timed step of the fan-out failed' : 'an event could not be fanned out';
      logger.error({ err: error, stage }, `${what}: a bug; the others go on`);
    },
  };
}
