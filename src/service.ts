import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { BusListener } from './application/ports/bus-listener.port';
import type { TokenVerifier } from './application/ports/token-verifier.port';
import type { RateFeed } from './application/rate-feed';
import type { RunState } from './application/run-state';
import type { Broker } from './domain/broker';
import type { EventBus } from './infrastructure/bus/event-bus';
import type { HttpServer } from './interfaces/http/http-server';
import type { SweepPool } from './interfaces/http/sse/fanout/sweep-pool';

export interface ServiceParts {
  readonly bus: EventBus;
  readonly http: HttpServer;
  readonly logger: Logger;
  readonly state: RunState;
  /** JWT checks (a JWKS is fetched and kept fresh in the background). */
  readonly verifier?: TokenVerifier | undefined;
  /** The stream side (ROLE server or all). */
  readonly streams?:
    | {
        readonly broker: Broker;
        /** The step from the bus to the broker. */
        readonly fromBus: BusListener;
        /** The threads that share the broker's fan-out (stopped last). */
        readonly sweeps: SweepPool | undefined;
        readonly heartbeatMs: number;
      }
    | undefined;
  /** The rate side (ROLE fetcher or all, unless RATE_SOURCE=off). */
  readonly feed?: RateFeed | undefined;
}

/** SPEC.md: streams end spread over about this long, not all at one instant. */
const SPREAD_MS = 3_000;
const SPREAD_STEPS = 30;
/** Then clients that do not take their last bytes are cut, so the process exits within 10 s. */
const DRAIN_GRACE_MS = 3_000;
const TICK_MS = 1_000;

/** Starts and stops the parts of one process in the right order. */
export class Service {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly parts: ServiceParts) {}

  async start(): Promise<AddressInfo> {
    const { bus, feed, http, logger, streams } = this.parts;
    if (streams !== undefined) {
      const { broker, heartbeatMs } = streams;
      bus.listen(streams.fromBus);
      // Sinks count ticks: two idle ticks make a heartbeat, so silence never lasts a whole HEARTBEAT_MS.
      this.timers.push(setInterval(() => broker.keepAlive(), heartbeatMs / 2));
      this.timers.push(setInterval(() => broker.tick(), TICK_MS));
    }
    this.parts.verifier?.start();
    await bus.start();
    const address = await http.listen();
    feed?.start();
    logger.info({ address: address.address, port: address.port }, 'listening');
    return address;
  }

  /**
   * Takes no new work (readiness, broadcasts and new streams say so), closes idle connections, stops the
   * rates, ends the streams spread over SPREAD_MS (delivering what is queued), closes the bus, then cuts
   * whatever is left.
   */
  async stop(): Promise<void> {
    const { bus, feed, http, logger, state, streams } = this.parts;
    state.stop();
    const closed = http.stopAccepting();
    await feed?.stop();
    if (streams !== undefined) await spreadClose(streams.broker);
    for (const timer of this.timers) clearInterval(timer);
    await bus.close();
    this.parts.verifier?.close();
    await http.drain(closed, DRAIN_GRACE_MS);
    await streams?.sweeps?.close();
    logger.info('stopped');
  }
}

/** Ends every stream in SPREAD_STEPS slices over SPREAD_MS, so their clients do not all come back at once. */
async function spreadClose(broker: Broker): Promise<void> {
  for (let step = SPREAD_STEPS; step > 0 && broker.size > 0; step -= 1) {
    broker.closeSome(Math.ceil(broker.size / step), 'shutdown');
    if (broker.size > 0) await new Promise((resolve) => setTimeout(resolve, SPREAD_MS / SPREAD_STEPS));
  }
}
