import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import type { AmqpNodes } from './amqp-nodes';
import { AmqpSession, type SessionSettings } from './amqp-session';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { describeError } from './error-message';
import { TopologyRefused } from './topology-refused';
import { withTimeout } from './with-timeout';

export interface ReconnectorParts {
  /** Everything but the URL, which is the current node's at each attempt. */
  readonly settings: Omit<SessionSettings, 'url'>;
  readonly backoff: BackoffPolicy;
  /** The node (or the nodes of one cluster) to connect to: logs and reasons show their endpoints only. */
  readonly nodes: AmqpNodes;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Keeps one AmqpSession alive: opens it, and when it is lost (or an attempt
 * fails) opens a new one after a capped, jittered backoff, declaring the
 * topology afresh each time. With several nodes listed, each loss and each
 * failed attempt moves on to the next node in turn: a node that dies takes
 * its connections with it, and one that answers while the cluster elects new
 * leaders may refuse a channel (541) for a second or so, so every node is
 * tried again and again until one serves, never just once. Logs each loss and
 * each recovery once (naming the node); attempts in between only at debug.
 */
export class AmqpReconnector {
  /** The live session, if any: connected, topology declared and (if asked) consuming. */
  session: AmqpSession | undefined;
  /** Why there is no session, for readiness. */
  reason = 'not started';
  private stopped = false;
  private connecting: Promise<void> = Promise.resolve();
  private failures = 0;
  private lostAt: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private nextAttemptAt = 0;
  /** The refusal last logged: a broker that keeps refusing is logged once, not at every retry. */
  private refusal: string | undefined;
  /** Endpoint of the node last connected to (at first, the one to start at): moving off it is a failover. */
  private node: string;

  constructor(private readonly parts: ReconnectorParts) {
    this.node = parts.nodes.endpoint;
    this.showNode(undefined);
  }

  /** Makes the first attempt and resolves after it, connected or not (retrying then goes on in the background). */
  connect(): Promise<void> {
    this.retryTimer = undefined;
    this.connecting = this.attempt();
    return this.connecting;
  }

  /** Seconds until the next attempt (at least 1): the `Retry-After` to give callers now. */
  retryAfterSeconds(): number {
    const waitMs = this.retryTimer === undefined ? 0 : this.nextAttemptAt - Date.now();
    return Math.min(30, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  /** Stops retrying and closes the session; bounded in time even with the broker gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.reason = 'closed';
    // An attempt under way closes its own session once it sees `stopped`; wait for it only briefly.
    const timeoutMs = this.parts.settings.closeTimeoutMs;
    await withTimeout(this.connecting, timeoutMs, 'connect attempt still running').catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  /** One attempt, at the current node; never rejects. */
  private async attempt(): Promise<void> {
    const { nodes, settings } = this.parts;
    const endpoint = nodes.endpoint;
    try {
      const session = await AmqpSession.open({ ...settings, url: nodes.url }, (lost, why) =>
        this.onLost(lost, why, endpoint),
      );
      if (this.stopped) {
        await session.close();
        return;
      }
      this.onUp(session, endpoint);
    } catch (error) {
      this.failures += 1;
      nodes.advance();
      if (error instanceof TopologyRefused) return this.onRefused(error, endpoint);
      this.reason = `RabbitMQ at ${endpoint} is unreachable: ${describeError(error)}`;
      this.parts.logger.debug({ err: error, endpoint, failures: this.failures }, 'RabbitMQ connect attempt failed');
      this.scheduleRetry();
    }
  }

  /** The broker answers but refuses what we need: one error line, then retries at the backoff cap. */
  private onRefused(error: TopologyRefused, endpoint: string): void {
    this.reason = error.message;
    const { logger } = this.parts;
    if (this.refusal === error.message) logger.debug({ endpoint, failures: this.failures }, 'RabbitMQ refused again');
    else logger.error({ endpoint }, error.message);
    this.refusal = error.message;
    this.scheduleRetry(true);
  }

  private onUp(session: AmqpSession, endpoint: string): void {
    const { logger, metrics, settings, nodes } = this.parts;
    this.session = session;
    const from = this.node;
    this.node = endpoint;
    this.showNode(nodes.label);
    if (from !== endpoint) metrics.busFailovers.inc();
    if (this.lostAt === undefined) {
      const consuming = settings.consume !== undefined;
      logger.info(
        { endpoint, exchange: settings.exchange, consuming, nodes: nodes.count, ...(from !== endpoint && { from }) },
        'connected to RabbitMQ',
      );
    } else {
      metrics.busReconnects.inc();
      const recovery = { endpoint, downMs: Date.now() - this.lostAt, attempts: this.failures + 1 };
      if (from === endpoint) logger.info(recovery, 'reconnected to RabbitMQ');
      else logger.info({ ...recovery, from }, 'reconnected to RabbitMQ on another node');
    }
    this.lostAt = undefined;
    this.failures = 0;
    this.refusal = undefined;
  }

  private onLost(session: AmqpSession, why: string, endpoint: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.lostAt = Date.now();
    this.reason = `RabbitMQ connection lost (${why}); reconnecting`;
    this.showNode(undefined);
    // Whatever took the connection, the next node in turn serves as well, and this one may be gone.
    this.parts.nodes.advance();
    this.parts.logger.warn({ endpoint, reason: why }, 'lost the RabbitMQ connection; reconnecting');
    void session.close();
    this.scheduleRetry();
  }

  /** sse_bus_node: 1 for the node in use (`label`), 0 for every other listed node (all 0 while connecting). */
  private showNode(label: string | undefined): void {
    for (const node of this.parts.nodes.labels) this.parts.metrics.busNode.set({ node }, node === label ? 1 : 0);
  }

  private scheduleRetry(atCap = false): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    // Attempt 30 is past any cap: the delay is drawn from the cap's upper half.
    const delay = backoffDelay(this.parts.backoff, atCap ? 30 : this.failures);
    this.nextAttemptAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
