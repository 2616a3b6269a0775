import type { Broker } from '../domain/broker';
import type { IdempotencyLedger } from '../domain/idempotency';
import type { StreamEvent } from '../domain/stream-event';
import type { KeyedPublishes } from './keyed-publishes';
import type { BusListener } from './ports/bus-listener.port';

/**
 * The step from the bus to this replica's subscribers: every event the bus delivers, in its order, is
 * fanned out by the Broker, except a repeat of an idempotency key (dropped here, the same way on every
 * replica); keyed broadcasts waiting for their event are answered with the id that is delivered.
 */
export class FanOutFromBus implements BusListener {
  constructor(
    private readonly broker: Broker,
    private readonly ledger: IdempotencyLedger,
    private readonly keyed: KeyedPublishes,
  ) {}

  event(event: StreamEvent): void {
    const key = event.idempotencyKey;
    const admitted = this.ledger.admit(event);
    if (key !== undefined) this.keyed.settle(event.id, this.ledger.firstId(key, event.publishedAt) ?? event.id);
    if (admitted) this.broker.fanOut(event);
  }

  gap(): void {
    this.broker.signalGap();
  }

  recall(event: StreamEvent): void {
    this.ledger.admit(event);
  }
}
