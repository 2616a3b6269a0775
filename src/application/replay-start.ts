import { invalidInput, type DomainError } from '../domain/errors';
import type { ReplayStart } from '../domain/replay-plan';
import { fail, ok, type Result } from '../domain/result';

/** The stream query values that say where a subscription starts (raw, as sent; undefined when absent). */
export interface StartQuery {
  /** From the Last-Event-ID header, or else the `lastEventId` query; empty means none. */
  readonly lastEventId?: string | undefined;
  readonly rewind?: string | undefined;
  readonly latest?: string | undefined;
}

/**
 * Where a subscription starts: after its Last-Event-ID when it has one (rewind and latest are then
 * ignored), else with the last N events (`rewind`, 1 to HISTORY_SIZE) or the newest of each topic
 * (`latest=1`), else live. Both rewind and latest, or any other value, is `invalid-input`.
 */
export function parseStart(query: StartQuery, historySize: number): Result<ReplayStart, DomainError> {
  if (query.lastEventId !== undefined && query.lastEventId !== '') return ok({ kind: 'after', id: query.lastEventId });
  const { rewind, latest } = query;
  if (rewind !== undefined && latest !== undefined) return fail(invalidInput('rewind and latest exclude each other'));
  if (latest !== undefined) return latest === '1' ? ok({ kind: 'latest' }) : fail(invalidInput('latest must be 1'));
  if (rewind === undefined) return ok({ kind: 'live' });
  const count = /^[1-9]\d{0,9}$/.test(rewind) ? Number(rewind) : 0;
  if (count < 1 || count > historySize) {
    const range = historySize === 0 ? 'not available (HISTORY_SIZE=0)' : `a whole number from 1 to ${historySize}`;
    return fail(invalidInput(`rewind must be ${range}`));
  }
  return ok({ kind: 'rewind', count });
}
