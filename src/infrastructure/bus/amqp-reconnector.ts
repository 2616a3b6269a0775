import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import { AmqpSession, type SessionSettings } from './amqp-session';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { describeError } from './error-message';
import { TopologyRefused } from './topology-refused';
import { withTimeout } from './with-timeout';

export interface ReconnectorParts {
  readonly settings: SessionSettings;
  readonly backoff: BackoffPolicy;
  /** Host, port and vhost: what logs and reasons may show of the URL. */
  readonly endpoint: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Keeps one AmqpSession alive: opens it, and when it is lost (or an attempt
 * fails) opens a new one after a capped, jittered backoff, declaring the
 * topology afresh each time. Logs each loss and each recovery once; attempts
 * in between only at debug.
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

  constructor(private readonly parts: ReconnectorParts) {}

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

  /** One attempt; never rejects. */
  private async attempt(): Promise<void> {
    try {
      const session = await AmqpSession.open(this.parts.settings, (lost, why) => this.onLost(lost, why));
      if (this.stopped) {
        await session.close();
        return;
      }
      this.onUp(session);
    } catch (error) {
      this.failures += 1;
      if (error instanceof TopologyRefused) return this.onRefused(error);
      this.reason = `RabbitMQ at ${this.parts.endpoint} is unreachable: ${describeError(error)}`;
      this.parts.logger.debug({ err: error, failures: this.failures }, 'RabbitMQ connect attempt failed');
      this.scheduleRetry();
    }
  }

  /** The broker answers but refuses what we need: one error line, then retries at the backoff cap. */
  private onRefused(error: TopologyRefused): void {
    this.reason = error.message;
    const { endpoint, logger } = this.parts;
    if (this.refusal === error.message) logger.debug({ endpoint, failures: this.failures }, 'RabbitMQ refused again');
    else logger.error({ endpoint }, error.message);
    this.refusal = error.message;
    this.scheduleRetry(true);
  }

  private onUp(session: AmqpSession): void {
    const { endpoint, logger, metrics, settings } = this.parts;
    this.session = session;
    if (this.lostAt === undefined) {
      logger.info(
        { endpoint, exchange: settings.exchange, consuming: settings.consume !== undefined },
        'connected to RabbitMQ',
      );
    } else {
      metrics.busReconnects.inc();
      logger.info(
        { endpoint, downMs: Date.now() - this.lostAt, attempts: this.failures + 1 },
        'reconnected to RabbitMQ',
      );
    }
    this.lostAt = undefined;
    this.failures = 0;
    this.refusal = undefined;
  }

  private onLost(session: AmqpSession, why: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.lostAt = Date.now();
    this.reason = `RabbitMQ connection lost (${why}); reconnecting`;
    this.parts.logger.warn(
      { endpoint: this.parts.endpoint, reason: why },
      'lost the RabbitMQ connection; reconnecting',
    );
    void session.close();
    this.scheduleRetry();
  }

  private scheduleRetry(atCap = false): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    // Attempt 30 is past any cap: the delay is drawn from the cap's upper half.
    const delay = backoffDelay(this.parts.backoff, atCap ? 30 : this.failures);
    this.nextAttemptAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
