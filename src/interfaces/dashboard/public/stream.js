// @ts-check
/**
 * The page's one EventSource on the stream. After a dropped stream the browser
 * reconnects by itself, sending Last-Event-ID, and the server resumes from it;
 * this class reports what is happening, and reopens the stream itself only
 * when the browser gives up (an answer that is not an event stream, such as a
 * 503 while the server is full).
 *
 * @typedef {'connecting' | 'live' | 'reconnecting'} State
 * @typedef {{ state: State, retryAt: number }} Status  retryAt: local time of the next attempt
 * @typedef {{ data: string, id: string, type: string }} Received
 * @typedef {object} StreamOptions
 * @property {number} retryMs  the server's `retry:` delay
 * @property {(event: Received) => void} onEvent
 * @property {(status: Status) => void} onStatus
 * @property {() => void} onReset  the server could not resume from our last id
 */

const PATH = '/api/v1/sso/stream';
const MAX_BACKOFF_MS = 30_000;

export class Stream {
  /** The id of the last event received: where a new subscription resumes. */
  lastEventId = '';
  /** @type {EventSource | undefined} */
  #source;
  /** @type {string[]} */
  #topics = [];
  /** @type {Set<string>} */
  #names = new Set();
  #failures = 0;
  #timer = 0;
  #options;

  /** @param {StreamOptions} options */
  constructor(options) {
    this.#options = options;
  }

  /**
   * Subscribes to `topics` (none: every topic), replacing the current
   * subscription and resuming after the last event received.
   * @param {string[]} topics
   */
  subscribe(topics) {
    this.#topics = topics;
    this.#open('connecting');
  }

  /** Also receives events published under this `event:` name. @param {string} name */
  listen(name) {
    if (name === 'message' || name === 'reset' || this.#names.has(name)) return;
    this.#names.add(name);
    this.#source?.addEventListener(name, this.#onMessage);
  }

  #url() {
    const url = new URL(PATH, window.location.href);
    for (const topic of this.#topics) url.searchParams.append('topic', topic);
    if (this.lastEventId !== '') url.searchParams.set('lastEventId', this.lastEventId);
    return url;
  }

  /** @param {State} state */
  #open(state) {
    this.#source?.close();
    window.clearTimeout(this.#timer);
    const source = new EventSource(this.#url());
    this.#source = source;
    source.onopen = () => {
      this.#failures = 0;
      this.#options.onStatus({ state: 'live', retryAt: 0 });
    };
    source.onerror = () => this.#onError(source);
    source.addEventListener('message', this.#onMessage);
    source.addEventListener('reset', () => this.#options.onReset());
    for (const name of this.#names) source.addEventListener(name, this.#onMessage);
    this.#options.onStatus({ state, retryAt: 0 });
  }

  /** @param {MessageEvent<string>} event */
  #onMessage = (event) => {
    if (event.lastEventId !== '') this.lastEventId = event.lastEventId;
    this.#options.onEvent({ data: event.data, id: event.lastEventId, type: event.type });
  };

  /** @param {EventSource} source */
  #onError(source) {
    if (source !== this.#source) return;
    const { retryMs, onStatus } = this.#options;
    if (source.readyState !== EventSource.CLOSED) {
      onStatus({ state: 'reconnecting', retryAt: Date.now() + retryMs });
      return;
    }
    this.#failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, Math.max(retryMs, 500) * 2 ** (this.#failures - 1));
    this.#timer = window.setTimeout(() => this.#open('reconnecting'), delay);
    onStatus({ state: 'reconnecting', retryAt: Date.now() + delay });
  }
}
