// @ts-check
/* global HTMLDetailsElement, HTMLElement, HTMLInputElement, HTMLOutputElement, HTMLTextAreaElement */
import { byId, el } from './dom.js';

const PATH = '/api/v1/sso/broadcast';

/**
 * @typedef {object} FormOptions
 * @property {boolean} tokenRequired  the server has a PUBLISH_TOKEN or checks JWTs
 * @property {boolean} privateTopics  the server checks JWTs, so private events can be read by someone
 * @property {(eventName: string) => void} listen  called before sending under an event name, so the page sees it
 */

/** The broadcast form: POSTs JSON and shows the id it got back or the server's own error message. */
export class BroadcastForm {
  #form;
  #options;
  #button;
  #result;

  /** @param {HTMLFormElement} form @param {FormOptions} options */
  constructor(form, options) {
    this.#form = form;
    this.#options = options;
    this.#button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    this.#result = byId('send-result', HTMLOutputElement);
    byId('token-hint', HTMLElement).textContent = !options.tokenRequired
      ? 'Not needed: this server takes broadcasts from its own machine only.'
      : options.privateTopics
        ? 'This server requires a token to broadcast: its publish token, or a JWT whose sse.publish covers the topic.'
        : 'This server requires a token to broadcast.';
    byId('private-hint', HTMLElement).textContent = options.privateTopics
      ? 'Only subscribers whose token covers the topic receive it.'
      : 'This server checks no tokens, so it refuses private events.';
    if (options.tokenRequired) byId('send-options', HTMLDetailsElement).open = true;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#send();
    });
    byId('message', HTMLTextAreaElement).addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
  }

  /** @param {string} name */
  #field(name) {
    const field = this.#form.elements.namedItem(name);
    if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement)) throw new Error(`no ${name}`);
    return field;
  }

  async #send() {
    const [message, topic, event, token] = ['message', 'topic', 'event', 'token'].map((n) => this.#field(n).value);
    if (message === undefined || message.trim() === '') {
      this.#show('error', 'Write a message first.');
      this.#field('message').focus();
      return;
    }
    /** @type {Record<string, string | boolean>} */
    const body = { message };
    if (topic?.trim()) body.topic = topic.trim();
    const privately = this.#form.elements.namedItem('private');
    if (privately instanceof HTMLInputElement && privately.checked) body.private = true;
    if (event?.trim()) {
      body.event = event.trim();
      this.#options.listen(body.event);
    }
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json' };
    if (token?.trim()) headers.Authorization = `Bearer ${token.trim()}`;
    this.#button.disabled = true;
    this.#show('pending', 'Sending…');
    try {
      const response = await fetch(PATH, { method: 'POST', headers, body: JSON.stringify(body) });
      /** @type {{ id?: unknown, message?: unknown }} */
      const answer = await response.json().catch(() => ({}));
      if (response.ok && typeof answer.id === 'string') {
        this.#show('ok', 'Sent as ', answer.id);
        this.#field('message').value = '';
      } else {
        const reason = typeof answer.message === 'string' ? answer.message : response.statusText;
        this.#show('error', `Refused (${response.status}): ${reason}`);
      }
    } catch (error) {
      this.#show('error', `Could not reach the server: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#button.disabled = false;
    }
  }

  /** @param {'ok' | 'error' | 'pending'} outcome @param {string} text @param {string} [id] */
  #show(outcome, text, id) {
    this.#result.dataset.outcome = outcome;
    this.#result.replaceChildren(text);
    if (id !== undefined) this.#result.append(el('code', 'mono', id));
  }
}
