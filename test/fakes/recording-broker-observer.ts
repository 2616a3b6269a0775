import type { BrokerObserver } from '../../src/domain/broker';

/** A BrokerObserver that records every report, in the order the Broker made them. */
export class RecordingBrokerObserver implements BrokerObserver {
  publishedCount = 0;
  /** The `frames` argument of each `delivered` call. */
  readonly deliveries: number[] = [];
  readonly drops: 'slow'[] = [];

  get totalDelivered(): number {
    return this.deliveries.reduce((a, b) => a + b, 0);
  }

  published(count: number): void {
    this.publishedCount += count;
  }

  delivered(frames: number): void {
    this.deliveries.push(frames);
  }

  dropped(reason: 'slow'): void {
    this.drops.push(reason);
  }
}
