// @ts-check
/**
 * The connection pill in words: connecting, live, stalled (and for how long),
 * reconnecting (with its countdown), unavailable (with the server's reason),
 * refused.
 * @typedef {import('./stream.js').Status} Status
 */

/** @param {number} ms */
const seconds = (ms) => Math.max(0, Math.round(ms / 1000));

/** @param {Status} status @returns {string} */
function word(status) {
  switch (status.state) {
    case 'live':
      return 'Live';
    case 'connecting':
      return 'Connecting';
    case 'stalled':
      return 'Stalled';
    case 'reconnecting':
      return 'Reconnecting';
    case 'unavailable':
      return `Unavailable (${status.reason})`;
    case 'refused':
      return status.code === 401 ? 'Token refused' : `Refused (${status.code})`;
  }
}

/** @param {Status} status @param {number} now @returns {string} */
function detail(status, now) {
  const wait = status.retryAt - now;
  switch (status.state) {
    case 'stalled':
      return `no event for ${seconds(now - status.heardAt)} s`;
    case 'reconnecting':
      return wait > 0 ? `in ${Math.ceil(wait / 1000)} s` : 'now…';
    case 'unavailable':
      return wait > 0 ? `retrying within ${Math.ceil(wait / 1000)} s` : 'retrying now…';
    default:
      return '';
  }
}

export class ConnectionView {
  #pill;
  #state;
  #detail;

  /** @param {HTMLElement} pill @param {HTMLElement} state @param {HTMLElement} detail */
  constructor(pill, state, detail) {
    this.#pill = pill;
    this.#state = state;
    this.#detail = detail;
  }

  /** Writes only what changed: the state word is a live region. @param {Status} status @param {number} now */
  render(status, now) {
    this.#pill.dataset.state = status.state;
    const text = word(status);
    if (this.#state.textContent !== text) this.#state.textContent = text;
    const more = detail(status, now);
    if (this.#detail.textContent !== more) this.#detail.textContent = more;
  }
}
