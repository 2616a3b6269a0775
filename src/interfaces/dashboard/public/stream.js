// @ts-check
import { askWhyRefused, isFinal } from './refusal.js';

/**
 * The page's one EventSource on the stream. The first stream opens with
 * `rewind`, so the page starts with the hub's recent history; after a dropped
 * stream the browser reconnects by itself, sending Last-Event-ID, and the
 * server resumes from it (rewind is then ignored). This class reports what is
 * happening, watches for silence (the stream asks for `heartbeat=event`, so
 * even an idle stream speaks every HEARTBEAT_MS), and reopens the stream
 * itself when the browser gives up (an answer that is not an event stream)
 * or the stream stays silent too long.
 *
 * @typedef {'connecting' | 'live' | 'stalled' | 'reconnecting' | 'unavailable' | 'refused'} State
 * @typedef {object} Status
 * @property {State} state
 * @property {number} retryAt     local time of the next attempt (0: none planned)
 * @property {string} reason      unavailable: the server's reason; refused: its message
 * @property {number} code        refused: the HTTP status (0 otherwise)
 * @property {number} heardAt     local time the stream last said anything, heartbeats included
 * @typedef {{ data: string, id: string, type: string }} Received
 * @typedef {{ reason: string, lastEventId?: string }} Reset
 * @typedef {object} StreamOptions
 * @property {number} retryMs      RETRY_MS
 * @property {number} heartbeatMs  HEARTBEAT_MS
 * @property {number} rewind       events of history to start with (0: none)
 * @property {(event: Received) => void} onEvent
 * @property {(status: Status) => void} onStatus
 * @property {(reset: Reset) => void} onReset  events were missed
 * @property {(exp: number) => void} onExpiring  the token expires at `exp` (seconds since epoch)
 */

const PATH = '/api/v1/sso/stream';
const MAX_BACKOFF_MS = 30_000;
/** Events the hub itself sends; a broadcast cannot use these names. */
const HUB_EVENTS = new Set(['message', 'reset', 'heartbeat', 'unavailable', 'auth-expiring']);
/** Silence, in heartbeats, after which the stream is shown stalled, and after which it is reopened. */
const STALLED_AFTER = 2;
const REOPEN_AFTER = 4;
/**
 * An open stream is live once it says something, or after this long: a stream turned away (`unavailable`)
 * opens too, and says so at once.
 */
const CONFIRM_MS = 500;

/** @param {string} text @returns {Record<string, unknown>} */
function parseObject(text) {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

export class Stream {
  /** The id of the last event received: where a new subscription resumes. */
  lastEventId = '';
  /** @type {EventSource | undefined} */
  #source;
  /** @type {string[]} */
  #topics = [];
  #token = '';
  /** @type {Set<string>} */
  #names = new Set();
  /** @type {Status} */
  #status = { state: 'connecting', retryAt: 0, reason: '', code: 0, heardAt: 0 };
  #failures = 0;
  /** The next reopen, when the browser gave up. */
  #timer = 0;
  #confirmTimer = 0;
  /** The server turned this stream away: the end that follows is that, not a failure. */
  #turnedAway = false;
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

  /** Sends `token` (empty: none) from now on, resuming after the last event received. @param {string} token */
  useToken(token) {
    this.#token = token;
    this.#open('connecting');
  }

  /** Also receives events published under this `event:` name. @param {string} name */
  listen(name) {
    if (HUB_EVENTS.has(name) || this.#names.has(name)) return;
    this.#names.add(name);
    this.#source?.addEventListener(name, this.#onMessage);
  }

  /** The watchdog, called now and then: a silent stream is stalled, then reopened. @param {number} now */
  check(now) {
    const { state, heardAt } = this.#status;
    if (state !== 'live' && state !== 'stalled') return;
    const quiet = now - heardAt;
    if (quiet > REOPEN_AFTER * this.#options.heartbeatMs) this.#open('reconnecting');
    else if (quiet > STALLED_AFTER * this.#options.heartbeatMs && state === 'live') this.#set('stalled');
  }

  /** The stream's URL; the token goes in the query because EventSource cannot send headers. */
  #url() {
    const url = new URL(PATH, window.location.href);
    for (const topic of this.#topics) url.searchParams.append('topic', topic);
    if (this.lastEventId !== '') url.searchParams.set('lastEventId', this.lastEventId);
    else if (this.#options.rewind > 0) url.searchParams.set('rewind', String(this.#options.rewind));
    url.searchParams.set('heartbeat', 'event');
    if (this.#token !== '') url.searchParams.set('access_token', this.#token);
    return url;
  }

  /** @param {State} state */
  #open(state) {
    this.#source?.close();
    window.clearTimeout(this.#timer);
    window.clearTimeout(this.#confirmTimer);
    this.#turnedAway = false;
    const url = this.#url();
    const source = new EventSource(url);
    this.#source = source;
    source.onopen = () => this.#onOpen(source);
    source.onerror = () => this.#onError(source, url);
    source.addEventListener('message', this.#onMessage);
    for (const name of this.#names) source.addEventListener(name, this.#onMessage);
    source.addEventListener('heartbeat', () => this.#heard());
    source.addEventListener('reset', (event) => {
      this.#heard();
      const data = parseObject(event.data);
      const reset = { reason: String(data.reason ?? 'unknown') };
      this.#options.onReset(typeof data.lastEventId === 'string' ? { ...reset, lastEventId: data.lastEventId } : reset);
    });
    source.addEventListener('auth-expiring', (event) => {
      this.#heard();
      const exp = Number(parseObject(event.data).exp);
      if (Number.isFinite(exp)) this.#options.onExpiring(exp);
    });
    source.addEventListener('unavailable', (event) => {
      window.clearTimeout(this.#confirmTimer);
      this.#turnedAway = true;
      const reason = String(parseObject(event.data).reason ?? 'unknown').slice(0, 40);
      this.#set('unavailable', { reason, retryAt: Date.now() + 3 * this.#options.retryMs });
    });
    this.#set(state);
  }

  /** @param {EventSource} source */
  #onOpen(source) {
    if (source !== this.#source) return;
    this.#failures = 0;
    window.clearTimeout(this.#confirmTimer);
    this.#confirmTimer = window.setTimeout(() => {
      const quiet = source === this.#source && source.readyState === EventSource.OPEN;
      if (quiet && this.#status.state !== 'live') this.#set('live');
    }, CONFIRM_MS);
  }

  /** @param {MessageEvent<string>} event */
  #onMessage = (event) => {
    this.#heard();
    if (event.lastEventId !== '') this.lastEventId = event.lastEventId;
    this.#options.onEvent({ data: event.data, id: event.lastEventId, type: event.type });
  };

  /** The stream spoke: it is live, whatever it was before. */
  #heard() {
    if (this.#status.state === 'live') this.#status.heardAt = Date.now();
    else this.#set('live');
  }

  /** @param {EventSource} source @param {URL} url */
  #onError(source, url) {
    if (source !== this.#source) return;
    const { retryMs } = this.#options;
    const turnedAway = this.#turnedAway;
    this.#turnedAway = false;
    if (source.readyState !== EventSource.CLOSED) {
      // The browser tries again by itself, after the `retry:` it was given (1-3x RETRY_MS when turned away).
      if (turnedAway) this.#set('unavailable', { reason: this.#status.reason, retryAt: Date.now() + 3 * retryMs });
      else this.#set('reconnecting', { retryAt: Date.now() + retryMs });
      return;
    }
    this.#set('reconnecting');
    void this.#diagnose(source, url);
  }

  /**
   * The browser gave up on the stream: reads the server's reason once. A refusal that would come
   * again (a token refused, a bad query) is shown and not retried; anything else is, with backoff.
   * @param {EventSource} source
   * @param {URL} url
   */
  async #diagnose(source, url) {
    const refusal = await askWhyRefused(url);
    if (source !== this.#source) return;
    if (refusal !== undefined && isFinal(refusal)) {
      this.#set('refused', { reason: refusal.message, code: refusal.status });
      return;
    }
    this.#failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, Math.max(this.#options.retryMs, 500) * 2 ** (this.#failures - 1));
    this.#timer = window.setTimeout(() => this.#open('reconnecting'), delay);
    this.#set('reconnecting', { retryAt: Date.now() + delay });
  }

  /** @param {State} state @param {{ reason?: string, code?: number, retryAt?: number }} [details] */
  #set(state, details = {}) {
    // Going live counts as hearing from the stream; every other state keeps the time it last spoke.
    const heardAt = state === 'live' ? Date.now() : this.#status.heardAt;
    const { retryAt = 0, reason = '', code = 0 } = details;
    this.#status = { state, retryAt, reason, code, heardAt };
    this.#options.onStatus({ ...this.#status });
  }
}
