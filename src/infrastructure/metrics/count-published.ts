import type { EventPublisher } from '../../application/ports/event-publisher.port';
import type { Metrics } from './metrics';

/** The bus as the use-cases publish through it, counting what it accepted (`sse_events_published_total`). */
export function countPublished(bus: EventPublisher, metrics: Metrics): EventPublisher {
  return {
    publish: async (event) => {
      const result = await bus.publish(event);
      if (result.ok) metrics.eventsPublished.inc();
      return result;
    },
  };
}
