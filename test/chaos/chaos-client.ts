import { EventSource } from 'eventsource';
import { performance } from 'node:perf_hooks';
import { FailoverProxy } from '../support/failover-proxy';
import { eventually } from '../support/wait';
import { sequenceOf, STREAM_PATH, TOPIC } from './chaos-message';
import { SequenceLedger } from './sequence-ledger';

/** One real EventSource (the `eventsource` package): it reconnects and sends Last-Event-ID by itself. */
export class ChaosClient {
  readonly ledger = new SequenceLedger();
  opens = 0;
  resets = 0;
  private closedByUs = false;
  private readonly source: EventSource;

  constructor(url: string, run: string) {
    this.source = new EventSource(url);
    this.source.onopen = () => (this.opens += 1);
    this.source.addEventListener('message', (e: { data: string }) => {
      const seq = sequenceOf(e.data, run);
      if (seq !== undefined) this.ledger.record(seq, performance.now());
    });
    this.source.addEventListener('reset', () => (this.resets += 1));
  }

  /** Closed for good without our asking (EventSource gives up on a non-200 answer). */
  get gaveUp(): boolean {
    return !this.closedByUs && this.source.readyState === EventSource.CLOSED;
  }

  close(): void {
    this.closedByUs = true;
    this.source.close();
  }
}

/**
 * K clients per replica, each group behind its own FailoverProxy that prefers
 * its replica and falls over to the others: a load balancer in miniature.
 */
export class ClientFleet {
  private constructor(
    readonly fronts: readonly FailoverProxy[],
    readonly clients: readonly ChaosClient[],
  ) {}

  static async open(replicaPorts: readonly number[], perReplica: number, run: string): Promise<ClientFleet> {
    const fronts = await Promise.all(
      replicaPorts.map((_, home) =>
        FailoverProxy.start(replicaPorts.map((__, n) => replicaPorts[(home + n) % replicaPorts.length]!)),
      ),
    );
    const url = (front: FailoverProxy): string => `http://127.0.0.1:${front.port}${STREAM_PATH}?topic=${TOPIC}`;
    const clients = fronts.flatMap((front) =>
      Array.from({ length: perReplica }, () => new ChaosClient(url(front), run)),
    );
    const fleet = new ClientFleet(fronts, clients);
    try {
      await eventually(() => clients.every((c) => c.opens > 0), 'every client connected', 10_000);
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  get ledgers(): SequenceLedger[] {
    return this.clients.map((c) => c.ledger);
  }

  /** Replica `index` is gone: no front sends new connections there. */
  markDown(index: number): void {
    this.fronts.forEach((front, home) => front.markDown(this.slot(home, index)));
  }

  /** Replica `index` is back (ready) at `port`. */
  markUp(index: number, port: number): void {
    this.fronts.forEach((front, home) => front.markUp(this.slot(home, index), port));
  }

  /** Clients first (no reconnects), then the fronts, which ends every stream they still carry. */
  async close(): Promise<void> {
    this.clients.forEach((c) => c.close());
    await Promise.all(this.fronts.map((f) => f.close()));
  }

  /** Where replica `index` sits in the upstream list of the front of replica `home`. */
  private slot(home: number, index: number): number {
    return (index - home + this.fronts.length) % this.fronts.length;
  }
}
