import type { JsonText, StreamEvent } from '../../../domain/stream-event';

/**
 * The only code that knows the text/event-stream format. Pure functions from values to text; an event's
 * id and name are validated names (no line breaks), and data is split on every line break, so no value
 * can inject a field.
 */
const LINE_BREAK = /\r\n|\r|\n/;

export function encodeData(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

/** An event: `id:`, `event:` when named, its JSON data, a blank line. */
export function encodeEvent(event: Pick<StreamEvent, 'id' | 'name' | 'data'>): string {
  const name = event.name === undefined ? '' : `event: ${event.name}\n`;
  return `id: ${event.id}\n${name}${encodeData(event.data)}\n`;
}

/** A message of the hub's own, without an id: it does not move the client's last event id. */
export function encodeControl(name: string, data: JsonText): string {
  return `event: ${name}\n${encodeData(data)}\n`;
}

export const encodeRetry = (ms: number): string => `retry: ${ms}\n\n`;

/** A comment line: clients ignore it, proxies see traffic. */
export const encodeComment = (text = ''): string => `:${text === '' ? '' : ` ${text.replace(/\r\n|\r|\n/g, ' ')}`}\n`;
