import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { EventBus } from './application/ports/event-bus.port';
import type { RateFeed } from './application/rate-feed';
import type { Broker } from './domain/broker';
import type { HttpServer } from './interfaces/http/http-server';
import type { SweepPool } from './interfaces/http/sse/fanout/sweep-pool';

export interface ServiceParts {
  readonly bus: EventBus;
  readonly http: HttpServer;
  readonly logger: Logger;
  /** The stream side (ROLE server or all). */
  readonly broker?: Broker | undefined;
  /** The threads that share the broker's fan-out (stopped last). */
  readonly sweeps?: SweepPool | undefined;
  readonly heartbeatMs: number;
  /** The rate side (ROLE fetcher or all, unless RATE_SOURCE=off). */
  readonly feed?: RateFeed | undefined;
}

/** Shutdown must finish within 10 s (SPEC.md); clients that do not take their last bytes are cut after this. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Starts and stops the parts of one process in the right order. */
export class Service {
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly parts: ServiceParts) {}

  async start(): Promise<AddressInfo> {
    const { bus, broker, feed, http, logger } = this.parts;
    if (broker !== undefined) {
      bus.subscribe((event) => broker.publish(event));
      // Sinks count ticks: two idle ticks make a heartbeat, so silence never lasts a whole HEARTBEAT_MS.
      this.heartbeat = setInterval(() => broker.keepAlive(), this.parts.heartbeatMs / 2);
    }
    await bus.start();
    const address = await http.listen();
    feed?.start();
    logger.info({ address: address.address, port: address.port }, 'listening');
    return address;
  }

  /** Stops accepting, stops the rates, ends every stream with its last chunk, closes the bus. */
  async stop(): Promise<void> {
    const { bus, broker, feed, http, logger } = this.parts;
    clearInterval(this.heartbeat);
    const closed = http.stopAccepting();
    await feed?.stop();
    broker?.closeAll();
    await bus.close();
    await http.drain(closed, SHUTDOWN_GRACE_MS);
    await this.parts.sweeps?.close();
    logger.info('stopped');
  }
}
