import { invalidInput, type DomainError } from './errors';
import { fail, ok, type Result } from './result';
import type { JsonText } from './stream-event';

/** Deeper JSON is refused wherever it comes from: a client, the bus or an upstream. */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * How deeply `text` nests (0 for a scalar), by counting brackets outside strings: one pass, no recursion
 * and no allocation, so it is safe on input of any depth. Meaningful only for well-formed JSON.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) deepest = Math.max(deepest, (depth += 1));
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth -= 1;
  }
  return deepest;
}

/** `text` as JsonText when it is well-formed JSON nesting at most MAX_JSON_DEPTH levels. */
export function parseJsonText(text: string): Result<JsonText, DomainError> {
  if (jsonDepth(text) > MAX_JSON_DEPTH) return fail(invalidInput(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`));
  try {
    JSON.parse(text); // V8's parser is iterative: safe at any depth; the depth was bounded above anyway
  } catch {
    return fail(invalidInput('not well-formed JSON'));
  }
  return ok(text as JsonText);
}

/**
 * The JSON text of a value the caller holds: only for values whose depth is known to be bounded (checked
 * with jsonDepth on their source, or built by this program), since JSON.stringify recurses.
 */
export const jsonTextOf = (value: unknown): JsonText => JSON.stringify(value) as JsonText;
