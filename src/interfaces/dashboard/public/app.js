// @ts-check
/* global HTMLCanvasElement, HTMLElement, HTMLFieldSetElement, HTMLFormElement, HTMLOListElement, HTMLUListElement */
import { PairCards } from './cards.js';
import { RateChart } from './chart.js';
import { byId } from './dom.js';
import { BroadcastFeed } from './feed.js';
import { BroadcastForm } from './form.js';
import { formatClock, formatCount, formatPercent } from './format.js';
import { PairStore, isRate } from './pairs.js';
import { Stream } from './stream.js';

/**
 * The dashboard: one stream feeds the rate store (cards and chart) and the
 * broadcast feed; a timer refreshes what depends on the clock (ages, countdown).
 * @typedef {import('./stream.js').Status} Status
 * @typedef {import('./stream.js').Received} Received
 */

const TICK_MS = 250;
const LABEL_EVERY_MS = 5_000;

const settings = document.body.dataset;
const view = {
  connection: byId('connection', HTMLElement),
  state: byId('connection-state', HTMLElement),
  detail: byId('connection-detail', HTMLElement),
  count: byId('event-count', HTMLElement),
  lastId: byId('last-id', HTMLElement),
  notice: byId('notice', HTMLElement),
  subscription: byId('subscription', HTMLElement),
  canvas: byId('chart', HTMLCanvasElement),
};

const store = new PairStore();
new RateChart(view.canvas, store);
const cards = new PairCards(byId('cards', HTMLUListElement), byId('pair-filter', HTMLFieldSetElement), resubscribe);
const feed = new BroadcastFeed(byId('feed', HTMLOListElement), byId('feed-empty', HTMLElement));
/** @type {Status} */
let status = { state: 'connecting', retryAt: 0 };
let received = 0;
let labelledAt = 0;

const stream = new Stream({
  retryMs: Number(settings.retryMs) || 3_000,
  onEvent,
  onStatus: (next) => {
    status = next;
    renderStatus();
  },
  onReset: () => {
    view.notice.textContent = `Resumed at ${formatClock(Date.now())} after a gap: events published meanwhile may be missing.`;
    view.notice.hidden = false;
  },
});
new BroadcastForm(byId('broadcast-form', HTMLFormElement), {
  tokenRequired: settings.tokenRequired === 'true',
  listen: (name) => stream.listen(name),
});

/** @param {Received} event */
function onEvent(event) {
  received += 1;
  view.count.textContent = formatCount(received);
  if (event.id !== '') view.lastId.textContent = event.id;
  const data = parse(event.data);
  if (isRate(data)) {
    const pair = store.add(data);
    if (pair !== undefined) cards.update(pair);
  } else {
    feed.add({ id: event.id, type: event.type, data });
  }
}

/** @param {string} text @returns {unknown} */
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every topic while all pairs are followed; else the followed pairs' topics and the broadcasts. */
function topics() {
  const pairs = [...store.pairs.values()];
  if (pairs.every((p) => p.followed)) return [];
  return [...pairs.filter((p) => p.followed).map((p) => p.topic), 'broadcast*'];
}

function resubscribe() {
  const wanted = topics();
  view.subscription.textContent = wanted.length === 0 ? 'every topic' : wanted.map((t) => `topic=${t}`).join(' ');
  stream.subscribe(wanted);
}

function renderStatus() {
  const { state, retryAt } = status;
  view.connection.dataset.state = state;
  const word = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting' : 'Reconnecting';
  if (view.state.textContent !== word) view.state.textContent = word;
  const wait = retryAt - Date.now();
  view.detail.textContent = state !== 'reconnecting' ? '' : wait > 0 ? `in ${Math.ceil(wait / 1000)} s` : 'now…';
}

/** The chart's text alternative, refreshed now and then rather than on every rate. */
function labelChart() {
  const parts = store.followed().map((p) => `${p.key} ${formatPercent((p.last / p.first - 1) * 100)}`);
  const text = parts.length === 0 ? 'waiting for data' : parts.join(', ');
  view.canvas.setAttribute('aria-label', `Percent change since the page opened: ${text}`);
}

function tick() {
  const now = Date.now();
  cards.tick(now);
  renderStatus();
  if (now - labelledAt >= LABEL_EVERY_MS) {
    labelledAt = now;
    labelChart();
  }
}

resubscribe();
window.setInterval(tick, TICK_MS);
