import type { Frame } from './subscription';

/** One event as the Broker keeps it for fan-out, replay and `latest`: its wire bytes and what decides who sees it. */
export interface Entry {
  /** Position in this replica's fan-out order (the history's running number). */
  readonly seq: number;
  readonly id: string;
  readonly topic: string;
  readonly private: boolean;
  readonly frame: Frame;
  /** A newer event of its topic may replace it for a client that is behind (SLOW_CLIENTS=conflate). */
  readonly conflatable: boolean;
}
