// @ts-check
/* global HTMLElement, HTMLInputElement */
import { byId } from './dom.js';

/**
 * The subscriber token field: a JWT that lets this page watch private topics.
 * It lives in this page's memory only: the field has no name (a form sent
 * without the script would not carry it), nothing stores it, and it reaches
 * the server only as the stream's `access_token` (EventSource cannot send
 * headers), under Referrer-Policy: no-referrer.
 */
export class SubscriberTokenField {
  #input;
  #hint;
  #privateTopics;

  /**
   * @param {HTMLFormElement} form
   * @param {boolean} privateTopics  the server checks tokens (a JWT key is configured)
   * @param {(token: string) => void} onApply
   */
  constructor(form, privateTopics, onApply) {
    this.#input = byId('subscriber-token', HTMLInputElement);
    this.#hint = byId('subscriber-hint', HTMLElement);
    this.#privateTopics = privateTopics;
    this.#describe('');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = this.#input.value.trim();
      this.#describe(token);
      onApply(token);
    });
  }

  /** @param {string} token */
  #describe(token) {
    if (!this.#privateTopics) {
      this.#hint.textContent = 'This server checks no tokens: every stream gets the public events.';
    } else if (token === '') {
      this.#hint.textContent = 'A JWT whose sse.subscribe covers private topics. Kept in this page only.';
    } else {
      this.#hint.textContent = 'Watching with this token (kept in this page only).';
    }
  }
}
