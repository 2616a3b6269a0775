import type { BrokerObserver, FailureStage } from '../../src/domain/broker-parts';
import type { CloseReason } from '../../src/domain/subscription';

/** A BrokerObserver that records every report, in the order the Broker made them. */
export class RecordingBrokerObserver implements BrokerObserver {
  fannedOutCount = 0;
  /** The `events` argument of each `delivered` call. */
  readonly deliveries: number[] = [];
  readonly drops: CloseReason[] = [];
  readonly failures: [FailureStage, unknown][] = [];

  get totalDelivered(): number {
    return this.deliveries.reduce((a, b) => a + b, 0);
  }

  fannedOut(events: number): void {
    this.fannedOutCount += events;
  }

  delivered(events: number): void {
    this.deliveries.push(events);
  }

  dropped(reason: CloseReason): void {
    this.drops.push(reason);
  }

  failed(stage: FailureStage, error: unknown): void {
    this.failures.push([stage, error]);
  }
}
