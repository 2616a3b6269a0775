import { isValidName, NAME_RULE } from './name';
import { fail, ok, type Result } from './result';
import { invalidInput, type DomainError } from './errors';
import type { EventName } from './stream-event';

export function parseEventName(raw: string): Result<EventName, DomainError> {
  return isValidName(raw)
    ? ok(raw as EventName)
    : fail(invalidInput(`event "${raw.slice(0, 140)}" must be ${NAME_RULE}`));
}
