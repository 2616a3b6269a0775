import { invalidInput, type DomainError } from './errors';
import { isValidName, NAME_RULE } from './name';
import { fail, ok, type Result } from './result';
import type { EventName, IdempotencyKey } from './stream-event';

/** Event names the hub itself sends: a publisher using one could pass for the hub. */
export const HUB_EVENT_NAMES: ReadonlySet<string> = new Set(['reset', 'heartbeat', 'auth-expiring', 'unavailable']);

export function parseEventName(raw: string): Result<EventName, DomainError> {
  if (!isValidName(raw)) return fail(invalidInput(`event "${raw.slice(0, 140)}" must be ${NAME_RULE}`));
  if (HUB_EVENT_NAMES.has(raw)) return fail(invalidInput(`event "${raw}" is reserved for the hub's own messages`));
  return ok(raw as EventName);
}

export function parseIdempotencyKey(raw: string): Result<IdempotencyKey, DomainError> {
  return isValidName(raw) ? ok(raw as IdempotencyKey) : fail(invalidInput(`Idempotency-Key must be ${NAME_RULE}`));
}
