// @ts-check
import { el } from './dom.js';
import { formatAge, formatClock, formatPercent, formatRate } from './format.js';
import { drawSparkline } from './sparkline.js';

/**
 * @typedef {import('./pairs.js').Pair} Pair
 * @typedef {{ root: HTMLLIElement, rate: HTMLElement, arrow: HTMLElement, percent: HTMLElement, delta: HTMLElement,
 *   since: HTMLElement, source: HTMLElement, age: HTMLElement, spark: HTMLCanvasElement, pair: Pair }} Card
 */

/** A rate older than this many intervals (and at least STALE_MS) is shown as stale. */
const STALE_STEPS = 5;
const STALE_MS = 5_000;

/**
 * One card per pair (rate, change since its first rate, source, age, a sparkline) and one
 * checkbox per pair in the filter; unticking a pair calls `onFilter`.
 */
export class PairCards {
  #list;
  #filter;
  #onFilter;
  /** @type {Map<string, Card>} */
  #cards = new Map();
  /** Pairs with a rate not shown yet. @type {Set<Pair>} */
  #dirty = new Set();
  #frame = 0;

  /** @param {HTMLUListElement} list @param {HTMLFieldSetElement} filter @param {() => void} onFilter */
  constructor(list, filter, onFilter) {
    this.#list = list;
    this.#filter = filter;
    this.#onFilter = onFilter;
  }

  /**
   * Shows the pair's new rate at the next frame, so a burst of rates (the history, at load) costs one
   * layout per card rather than one per rate.
   * @param {Pair} pair
   */
  update(pair) {
    this.#dirty.add(pair);
    if (this.#frame === 0) this.#frame = window.requestAnimationFrame(() => this.#render());
  }

  #render() {
    this.#frame = 0;
    for (const pair of this.#dirty) this.#show(pair);
    this.#dirty.clear();
  }

  /** @param {Pair} pair */
  #show(pair) {
    const card = this.#cards.get(pair.key) ?? this.#create(pair);
    const change = (pair.last / pair.first - 1) * 100;
    const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
    card.root.dataset.direction = direction;
    card.root.dataset.points = String(pair.points.length);
    card.rate.textContent = formatRate(pair.last);
    card.arrow.textContent = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
    card.percent.textContent = formatPercent(change);
    const delta = pair.last - pair.first;
    card.delta.textContent = `${delta > 0 ? '+' : delta < 0 ? '−' : ''}${formatRate(Math.abs(delta))}`;
    card.since.textContent = `since ${formatClock(pair.firstTime, false)}`;
    card.source.textContent = pair.source;
    drawSparkline(card.spark, pair.points, window.getComputedStyle(card.root).getPropertyValue('--series').trim());
  }

  /** Refreshes every card's age. @param {number} now */
  tick(now) {
    for (const { pair, age, root } of this.#cards.values()) {
      const ms = now - pair.receivedAt;
      const stale = ms > Math.max(STALE_MS, pair.step * STALE_STEPS);
      root.dataset.stale = String(stale);
      age.textContent = pair.followed ? `Updated ${formatAge(ms)}` : 'Not followed: paused';
    }
  }

  /** @param {Pair} pair @returns {Card} */
  #create(pair) {
    this.#list.querySelector('.placeholder')?.remove();
    const root = el('li', 'card');
    root.dataset.pair = pair.key;
    root.dataset.series = String(pair.series);
    root.dataset.followed = 'true';
    const head = el('div', 'card-head');
    const source = el('span', 'badge');
    head.append(el('span', 'swatch'), el('h3', 'pair', pair.key), source);
    const [base, quote] = pair.key.split('/');
    const rate = el('span', 'value');
    const rateLine = el('p', 'rate');
    rateLine.append(rate, el('span', 'quote', quote ?? ''));
    rateLine.title = `1 ${base ?? ''} in ${quote ?? ''}`;
    const arrow = el('span', 'arrow');
    arrow.setAttribute('aria-hidden', 'true');
    const percent = el('span', 'percent');
    const delta = el('span', 'delta');
    const since = el('span', 'since');
    since.title = 'The first rate this page got, from the history or live';
    const change = el('p', 'change');
    change.append(arrow, percent, delta, since);
    const age = el('p', 'age', 'Updated just now');
    const main = el('div', 'card-main');
    main.append(rateLine, change, age);
    const spark = el('canvas', 'spark');
    spark.setAttribute('aria-hidden', 'true');
    const body = el('div', 'card-body');
    body.append(main, spark);
    root.append(head, body);
    this.#list.append(root);
    /** @type {Card} */
    const card = { root, rate, arrow, percent, delta, since, source, age, spark, pair };
    this.#cards.set(pair.key, card);
    this.#chip(card);
    return card;
  }

  /** @param {Card} card */
  #chip(card) {
    const { pair, root } = card;
    const input = el('input');
    input.type = 'checkbox';
    input.checked = pair.followed;
    input.value = pair.topic;
    const label = el('label', 'chip');
    label.dataset.series = String(pair.series);
    label.append(input, el('span', 'swatch'), el('span', '', pair.key));
    input.addEventListener('change', () => {
      pair.followed = input.checked;
      root.dataset.followed = String(input.checked);
      this.tick(Date.now());
      this.#onFilter();
    });
    this.#filter.append(label);
  }
}
