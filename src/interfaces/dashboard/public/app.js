// @ts-check
/* global HTMLCanvasElement, HTMLElement, HTMLFieldSetElement, HTMLFormElement, HTMLOListElement, HTMLUListElement */
import { PairCards } from './cards.js';
import { RateChart } from './chart.js';
import { ConnectionView } from './connection-view.js';
import { byId } from './dom.js';
import { BroadcastFeed } from './feed.js';
import { BroadcastForm } from './form.js';
import { formatClock, formatCount, formatPercent } from './format.js';
import { PairStore, isRate } from './pairs.js';
import { Stream } from './stream.js';
import { SubscriberTokenField } from './watch-token.js';

/**
 * The dashboard: one stream feeds the rate store (cards and chart) and the
 * broadcast feed; a timer refreshes what depends on the clock (ages, countdown,
 * the stream's watchdog).
 * @typedef {import('./stream.js').Status} Status
 * @typedef {import('./stream.js').Received} Received
 * @typedef {import('./stream.js').Reset} Reset
 */

const TICK_MS = 250;
const LABEL_EVERY_MS = 5_000;
/** The most history asked for at load: the chart's five minutes at several rates a second, and then some. */
const SEED_MAX = 3_000;

const settings = document.body.dataset;
const view = {
  count: byId('event-count', HTMLElement),
  lastId: byId('last-id', HTMLElement),
  notice: byId('notice', HTMLElement),
  subscription: byId('subscription', HTMLElement),
  canvas: byId('chart', HTMLCanvasElement),
  chartTitle: byId('chart-title', HTMLElement),
};
const connection = new ConnectionView(
  byId('connection', HTMLElement),
  byId('connection-state', HTMLElement),
  byId('connection-detail', HTMLElement),
);

const store = new PairStore();
new RateChart(view.canvas, store);
const cards = new PairCards(byId('cards', HTMLUListElement), byId('pair-filter', HTMLFieldSetElement), resubscribe);
const feed = new BroadcastFeed(byId('feed', HTMLOListElement), byId('feed-empty', HTMLElement));
/** @type {Status} */
let status = { state: 'connecting', retryAt: 0, reason: '', code: 0, heardAt: 0 };
let received = 0;
let lastId = '';
let countFrame = 0;
/** When the chart was last labelled, and whether it had data then (its first data is labelled at once). */
let labelled = { at: 0, withData: false };
let withToken = false;

const stream = new Stream({
  retryMs: Number(settings.retryMs) || 3_000,
  heartbeatMs: Number(settings.heartbeatMs) || 15_000,
  rewind: Math.min(SEED_MAX, Math.max(0, Number(settings.historySize) || 0)),
  onEvent,
  onStatus: (next) => {
    status = next;
    connection.render(status, Date.now());
    if (next.state === 'refused') notify(refusalText(next));
  },
  onReset,
  onExpiring: (exp) => {
    notify(`The subscriber token expires at ${formatClock(exp * 1000)}: paste a fresh one to keep private events.`);
  },
});
new BroadcastForm(byId('broadcast-form', HTMLFormElement), {
  tokenRequired: settings.tokenRequired === 'true',
  privateTopics: settings.privateTopics === 'true',
  listen: (name) => stream.listen(name),
});
new SubscriberTokenField(byId('watch-form', HTMLFormElement), settings.privateTopics === 'true', (token) => {
  withToken = token !== '';
  view.notice.hidden = true;
  describeSubscription();
  stream.useToken(token);
});

/** @param {Received} event */
function onEvent(event) {
  received += 1;
  if (event.id !== '') lastId = event.id;
  if (countFrame === 0) countFrame = window.requestAnimationFrame(showCount);
  const data = parse(event.data);
  if (isRate(data)) {
    const pair = store.add(data);
    if (pair !== undefined) cards.update(pair);
  } else {
    feed.add({ id: event.id, type: event.type, data });
  }
}

/** The counter and the last id, once a frame however many events arrived. */
function showCount() {
  countFrame = 0;
  view.count.textContent = formatCount(received);
  if (lastId !== '') view.lastId.textContent = lastId;
}

/**
 * Events were missed: the lines break here, and what the server sends next (after a history gap,
 * the whole history it holds) joins the chart where it is newer than what the chart has.
 * @param {Reset} reset
 */
function onReset(reset) {
  store.markGap();
  const at = formatClock(Date.now());
  notify(
    reset.reason === 'history-gap'
      ? `Resumed at ${at} after a gap: events published meanwhile may be missing.`
      : `At ${at} the server found events missing from its bus (${reset.reason}): some were missed.`,
  );
}

/** @param {Status} refused */
function refusalText(refused) {
  if (refused.code === 401) {
    return `The server refused the token: ${refused.reason}. Change the subscriber token to try again.`;
  }
  return `The server refused the stream (${refused.code}): ${refused.reason}. Change the pairs or the token to try again.`;
}

/** @param {string} text */
function notify(text) {
  view.notice.textContent = text;
  view.notice.hidden = false;
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

function describeSubscription() {
  const wanted = topics();
  const list = wanted.length === 0 ? 'every topic' : wanted.map((t) => `topic=${t}`).join(' ');
  view.subscription.textContent = withToken ? `${list}, with a subscriber token` : list;
}

function resubscribe() {
  describeSubscription();
  stream.subscribe(topics());
}

/** The chart's title and text alternative, refreshed now and then rather than on every rate. */
function labelChart() {
  const followed = store.followed();
  const parts = followed.map((p) => `${p.key} ${formatPercent((p.last / p.first - 1) * 100)}`);
  const text = parts.length === 0 ? 'waiting for data' : parts.join(', ');
  const since = Math.min(...followed.map((p) => p.firstTime));
  const title = Number.isFinite(since) ? `Change since ${formatClock(since)}` : 'Change since the first rate';
  if (view.chartTitle.textContent !== title) view.chartTitle.textContent = title;
  view.canvas.setAttribute('aria-label', `Percent change per pair: ${text}`);
}

function tick() {
  const now = Date.now();
  stream.check(now);
  cards.tick(now);
  connection.render(status, now);
  if (now - labelled.at >= LABEL_EVERY_MS || (!labelled.withData && store.count > 0)) {
    labelled = { at: now, withData: store.count > 0 };
    labelChart();
  }
}

resubscribe();
window.setInterval(tick, TICK_MS);
