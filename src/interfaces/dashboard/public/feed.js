// @ts-check
import { el } from './dom.js';
import { formatClock, ulidTime } from './format.js';

/** @typedef {{ id: string, type: string, data: unknown }} FeedEvent */

const MAX_ITEMS = 20;
/** Ids remembered to drop the repeats of a replay; bounded like the list. */
const MAX_SEEN = 500;

/** @param {unknown} data @returns {data is { message: unknown }} */
const isBroadcast = (data) => typeof data === 'object' && data !== null && !Array.isArray(data) && 'message' in data;

/** The latest broadcasts, newest first, at most MAX_ITEMS of them in the page. */
export class BroadcastFeed {
  #list;
  #empty;
  /** @type {Set<string>} */
  #seen = new Set();

  /** @param {HTMLOListElement} list @param {HTMLElement} empty */
  constructor(list, empty) {
    this.#list = list;
    this.#empty = empty;
  }

  /** Shows an event that is not a rate; a repeat of one already shown is ignored. @param {FeedEvent} event */
  add(event) {
    if (event.id !== '') {
      if (this.#seen.has(event.id)) return;
      this.#seen.add(event.id);
      if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.values().next().value ?? '');
    }
    const data = event.data;
    const broadcast = isBroadcast(data);
    const message = broadcast ? data.message : data;
    const item = el('li', 'item');
    item.dataset.id = event.id;
    item.append(
      typeof message === 'string' ? el('p', 'message', message) : el('pre', 'message json', JSON.stringify(message)),
      this.#meta(event, broadcast),
    );
    this.#list.prepend(item);
    while (this.#list.children.length > MAX_ITEMS) this.#list.lastElementChild?.remove();
    this.#empty.hidden = true;
  }

  /** @param {FeedEvent} event @param {boolean} broadcast */
  #meta(event, broadcast) {
    const meta = el('p', 'meta');
    // A broadcast replayed from the history was published before it arrived: its id says when.
    const at = new Date(ulidTime(event.id) ?? Date.now());
    const time = el('time', '', formatClock(at.getTime()));
    time.dateTime = at.toISOString();
    meta.append(time);
    if (event.type !== 'message') meta.append(el('span', 'tag', event.type));
    if (!broadcast) meta.append(el('span', 'tag', 'not a broadcast'));
    if (event.id !== '') meta.append(el('span', 'mono id', event.id));
    return meta;
  }
}
