import type { Clock } from '../../application/ports/clock.port';
import type { Logger } from '../logging/logger';

interface Incident {
  readonly since: number;
  repeats: number;
}

/**
 * Logs each kind of trouble once when it starts and once when it ends; the
 * repeats in between go to debug only, so a poll loop failing every second
 * does not flood the log.
 */
export class IncidentLog {
  private readonly open = new Map<string, Incident>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** Trouble of kind `key`: logged at `level` if new, else at debug marked `(again)`. */
  report(key: string, level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    const incident = this.open.get(key);
    if (incident !== undefined) {
      incident.repeats += 1;
      this.logger.debug({ ...fields, repeats: incident.repeats }, `${message} (again)`);
      return;
    }
    this.open.set(key, { since: this.clock.now(), repeats: 0 });
    this.logger[level](fields, message);
  }

  /** The trouble of kind `key` is over: one info line, if it was open. */
  resolve(key: string, fields: Record<string, unknown>, message: string): void {
    const incident = this.open.get(key);
    if (incident === undefined) return;
    this.open.delete(key);
    this.logger.info({ ...fields, lastedMs: this.clock.now() - incident.since, repeats: incident.repeats }, message);
  }
}
