import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { CloseReason } from '../../domain/subscription';

/** Every reason a stream can be ended by the server, so each series exists from the start. */
const DROP_REASONS: readonly CloseReason[] = ['slow', 'stalled', 'memory', 'expired', 'replay-failed'];

/** What the fan-out's thread pool tells about itself. */
export interface SweepStats {
  readonly threads: number;
  readonly helperWrites: number;
}

/** The open streams, and how many of them are behind (the Broker). */
export interface ClientCounts {
  readonly size: number;
  readonly behind: number;
}

/** Where the stream consumer stands (stream mode), read at scrape time. */
export interface StreamPosition {
  /** Offset of the last message processed; undefined before the first. */
  readonly offset: number | undefined;
  /** Messages between it and the tail, where known (during the warm-up); undefined otherwise. */
  readonly behind: number | undefined;
}

/**
 * Every Prometheus series of one process, on its own registry (so tests can run
 * several services in one process). Hot-path counters are bumped once per
 * event with a count, never once per client.
 */
export class Metrics {
  readonly registry = new Registry();
  private subscriptions: ClientCounts = { size: 0, behind: 0 };
  private sweeps: SweepStats = { threads: 0, helperWrites: 0 };
  private helperWritesSeen = 0;
  private streamPosition: () => StreamPosition = () => ({ offset: undefined, behind: undefined });

  readonly clients: Gauge = new Gauge({
    name: 'sse_clients',
    help: 'Open stream connections',
    registers: [this.registry],
    collect: (): void => this.clients.set(this.subscriptions.size),
  });
  readonly fanOutHelpers: Gauge = new Gauge({
    name: 'sse_fanout_helper_threads',
    help: 'Helper threads sharing large fan-outs with the main thread (0 until the first; fewer if one failed)',
    registers: [this.registry],
    collect: (): void => this.fanOutHelpers.set(this.sweeps.threads),
  });
  readonly fanOutHelperWrites: Counter = new Counter({
    name: 'sse_fanout_helper_writes_total',
    help: 'Socket writes made by the fan-out helper threads (the main thread made the others)',
    registers: [this.registry],
    collect: (): void => {
      const total = this.sweeps.helperWrites;
      this.fanOutHelperWrites.inc(total - this.helperWritesSeen);
      this.helperWritesSeen = total;
    },
  });
  readonly fanOutWriteErrors = new Counter({
    name: 'sse_fanout_write_errors_total',
    help: 'Socket writes of the fan-out that failed as no live socket can (a bug), by error; each dropped its client',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly eventsPublished = new Counter({
    name: 'sse_events_published_total',
    help: 'Events this process published and the bus accepted (broadcasts and rates)',
    registers: [this.registry],
  });
  readonly eventsFannedOut = new Counter({
    name: 'sse_events_fanned_out_total',
    help: 'Events this replica fanned out to its subscribers, from any publisher',
    registers: [this.registry],
  });
  readonly eventsDelivered = new Counter({
    name: 'sse_events_delivered_total',
    help: 'Events written to clients, replayed ones included',
    registers: [this.registry],
  });
  readonly clientsDropped = new Counter({
    name: 'sse_clients_dropped_total',
    help: 'Stream clients disconnected by the server',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly clientsBehind: Gauge = new Gauge({
    name: 'sse_clients_behind',
    help: 'Open streams that are behind: replaying, or slower than the events (their events wait in a backlog)',
    registers: [this.registry],
    collect: (): void => this.clientsBehind.set(this.subscriptions.behind),
  });
  readonly fanOutFailures = new Counter({
    name: 'sse_fanout_failures_total',
    help: 'Bugs in the fan-out, by stage: an event (or a write to one client) lost while encoding or writing it, or a timed step (keep-alive, expiry, catch-up) that failed',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly busReconnects = new Counter({
    name: 'sse_bus_reconnects_total',
    help: 'Times the event bus connection was re-established',
    registers: [this.registry],
  });
  readonly busFailovers = new Counter({
    name: 'sse_bus_failovers_total',
    help: 'Times the event bus connected to another RabbitMQ node than the one it was on (AMQP_URL lists several)',
    registers: [this.registry],
  });
  readonly busNode = new Gauge({
    name: 'sse_bus_node',
    help: 'The RabbitMQ node (host:port) the event bus is connected to: 1 for it, 0 for the other nodes listed',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });
  readonly busMessagesRejected = new Counter({
    name: 'sse_bus_messages_rejected_total',
    help: 'Messages from the bus dropped because they were malformed or too large',
    registers: [this.registry],
  });
  readonly streamOffset: Gauge = new Gauge({
    name: 'sse_stream_offset',
    help: 'Stream offset of the last message the stream consumer processed (-1 before the first)',
    registers: [this.registry],
    collect: (): void => this.streamOffset.set(this.streamPosition().offset ?? -1),
  });
  readonly streamLag: Gauge = new Gauge({
    name: 'sse_stream_lag_messages',
    help: 'Messages the stream consumer is behind the tail it last learned (during warm-up; 0 once caught up)',
    registers: [this.registry],
    collect: (): void => this.streamLag.set(this.streamPosition().behind ?? 0),
  });
  readonly streamGaps = new Counter({
    name: 'sse_stream_gaps_total',
    help: 'Times the stream consumer found events lost to the stream retention and signalled a gap',
    registers: [this.registry],
  });
  readonly streamReplays = new Counter({
    name: 'sse_stream_replays_total',
    help: 'Replays from the stream by outcome: served, not-found, failed, closed (by the reader first), busy',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly rateFetches = new Counter({
    name: 'sse_rate_fetches_total',
    help: 'Rate fetches by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly rateFetchErrors = new Counter({
    name: 'sse_rate_fetch_errors_total',
    help: 'Rate fetches that published nothing, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly rateLastSuccess = new Gauge({
    name: 'sse_rate_last_success_timestamp_seconds',
    help: 'When a valid rate was last fetched, per pair (Unix seconds)',
    labelNames: ['pair'] as const,
    registers: [this.registry],
  });
  readonly rateQuotaRemaining = new Gauge({
    name: 'sse_rate_quota_remaining',
    help: 'Requests left in the rate API quota, as its last answer reported (X-RateLimit-Remaining)',
    registers: [this.registry],
  });
  readonly rateQuotaLimit = new Gauge({
    name: 'sse_rate_quota_limit',
    help: 'The rate API quota, as its last answer reported (X-RateLimit-Limit)',
    registers: [this.registry],
  });
  readonly ratePollDelay = new Gauge({
    name: 'sse_rate_poll_delay_seconds',
    help: 'Wait before the next rate poll: the interval, or longer while backing off or saving quota',
    registers: [this.registry],
  });
  readonly jwksFetchErrors = new Counter({
    name: 'sse_jwks_fetch_errors_total',
    help: 'Background fetches of JWT_JWKS_URL that failed (the key set held so far stays in use)',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const reason of DROP_REASONS) this.clientsDropped.inc({ reason }, 0);
  }

  /** The Prometheus text of every series, for `/metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Where the client gauge reads from (the Broker, once it exists). */
  countClientsWith(subscriptions: ClientCounts): void {
    this.subscriptions = subscriptions;
  }

  /** Where the fan-out thread figures are read from (the SweepPool, on a stream server). */
  countSweepsWith(stats: SweepStats): void {
    this.sweeps = stats;
  }

  /** Where the stream position gauges read from (the stream-mode bus). */
  readStreamWith(position: () => StreamPosition): void {
    this.streamPosition = position;
  }
}
