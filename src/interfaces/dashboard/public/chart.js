// @ts-check
import { formatClock, formatPercent } from './format.js';
import { WINDOW_MS } from './pairs.js';

/**
 * @typedef {import('./pairs.js').Pair} Pair
 * @typedef {import('./pairs.js').Point} Point
 * @typedef {import('./pairs.js').PairStore} PairStore
 * @typedef {{ left: number, right: number, x: (t: number) => number, y: (p: number) => number }} View
 */

const PAD = { left: 10, right: 62, top: 12, bottom: 26 };
/** The chart fills its width from the first rate on, then widens to the window, then scrolls. */
const MIN_SPAN_MS = 20_000;
const FRAME_MS = 30;
const TIME_STEPS = [5_000, 10_000, 15_000, 30_000, 60_000, 120_000];

/** @param {Pair} pair @param {number} value */
const percent = (pair, value) => (value / pair.first - 1) * 100;

/** A 1, 2 or 5 times a power of ten near `raw`. @param {number} raw */
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3.5 ? 2 : 5) * power;
}

/**
 * The percent change of every followed pair since its first rate, drawn on a
 * canvas at most every FRAME_MS. The right edge trails the server clock by one
 * rate interval, so each new point slides in from the edge instead of jumping.
 */
export class RateChart {
  #canvas;
  #ctx;
  #store;
  #size = { width: 0, height: 0 };
  #range = { lo: -0.1, hi: 0.1 };
  /** @type {Record<string, string>} */
  #colors = {};
  #lastFrame = 0;

  /** @param {HTMLCanvasElement} canvas @param {PairStore} store */
  constructor(canvas, store) {
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2d canvas');
    this.#canvas = canvas;
    this.#ctx = ctx;
    this.#store = store;
    new window.ResizeObserver(() => this.#resize()).observe(canvas);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#readColors());
    this.#readColors();
    this.#resize();
    /** @param {number} time */
    const loop = (time) => {
      if (time - this.#lastFrame >= FRAME_MS) {
        this.#lastFrame = time;
        this.draw();
      }
      window.requestAnimationFrame(loop);
    };
    window.requestAnimationFrame(loop);
  }

  draw() {
    const { width, height } = this.#size;
    const ctx = this.#ctx;
    ctx.clearRect(0, 0, width, height);
    const pairs = this.#store.followed().filter((p) => p.points.length > 0);
    this.#canvas.dataset.points = String(this.#store.count);
    this.#canvas.dataset.gaps = String(this.#store.gaps);
    if (pairs.length === 0 || width === 0) return this.#empty();
    const view = this.#view(pairs);
    this.#grid(view);
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, 0, width - PAD.left - PAD.right, height);
    ctx.clip();
    for (const pair of pairs) this.#line(pair, view);
    ctx.restore();
    for (const pair of pairs) this.#dot(pair, view);
  }

  /** @param {Pair[]} pairs @returns {View} */
  #view(pairs) {
    const delay = Math.min(2_000, Math.max(0, ...pairs.map((p) => p.step)));
    const right = this.#store.now() - delay;
    const oldest = Math.min(...pairs.map((p) => p.points[0]?.t ?? right));
    const left = right - Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, right - oldest));
    this.#ease(pairs, left);
    const { lo, hi } = this.#range;
    const { width, height } = this.#size;
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    return {
      left,
      right,
      /** @param {number} t */ x: (t) => PAD.left + ((t - left) / (right - left)) * plotW,
      /** @param {number} p */ y: (p) => PAD.top + ((hi - p) / (hi - lo)) * plotH,
    };
  }

  /**
   * Moves the y range a step towards what the visible points need, so the scale never jumps.
   * @param {Pair[]} pairs
   * @param {number} left
   */
  #ease(pairs, left) {
    let lo = 0;
    let hi = 0;
    for (const pair of pairs) {
      for (const point of pair.points) {
        if (point.t < left) continue;
        const p = percent(pair, point.v);
        lo = Math.min(lo, p);
        hi = Math.max(hi, p);
      }
    }
    const pad = Math.max((hi - lo) * 0.12, 0.03);
    const target = { lo: lo - pad, hi: hi + pad };
    this.#range.lo += (target.lo - this.#range.lo) * 0.2;
    this.#range.hi += (target.hi - this.#range.hi) * 0.2;
  }

  /** @param {View} view */
  #grid(view) {
    const ctx = this.#ctx;
    const { width, height } = this.#size;
    const { lo, hi } = this.#range;
    const step = niceStep((hi - lo) / 4);
    const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    ctx.font = '12px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    for (let p = Math.ceil(lo / step) * step; p <= hi; p += step) {
      const y = Math.round(view.y(p)) + 0.5;
      const zero = Math.abs(p) < step / 2;
      ctx.strokeStyle = zero ? (this.#colors.zero ?? '') : (this.#colors.grid ?? '');
      ctx.setLineDash(zero ? [4, 4] : []);
      ctx.beginPath();
      ctx.moveTo(PAD.left, y);
      ctx.lineTo(width - PAD.right, y);
      ctx.stroke();
      ctx.fillStyle = this.#colors.text ?? '';
      ctx.fillText(formatPercent(zero ? 0 : p, digits), width - PAD.right + 8, y);
    }
    ctx.setLineDash([]);
    this.#timeAxis(view, height - PAD.bottom + 16);
  }

  /** @param {View} view @param {number} y */
  #timeAxis(view, y) {
    const ctx = this.#ctx;
    const span = view.right - view.left;
    const room = Math.max(1, (this.#size.width - PAD.left - PAD.right) / 90);
    const step = TIME_STEPS.find((s) => span / s <= room) ?? 300_000;
    ctx.textAlign = 'center';
    for (let t = Math.ceil(view.left / step) * step; t <= view.right; t += step) {
      const x = view.x(t);
      if (x < PAD.left + 24 || x > this.#size.width - PAD.right - 24) continue;
      ctx.fillText(formatClock(t, step < 60_000), x, y);
    }
  }

  /** @param {Pair} pair @param {View} view */
  #line(pair, view) {
    const ctx = this.#ctx;
    const color = this.#colors[`series${pair.series}`] ?? '#888';
    const points = pair.points;
    let start = points.findIndex((p) => p.t >= view.left);
    if (start < 0) start = points.length - 1;
    ctx.beginPath();
    for (let i = Math.max(0, start - 1); i < points.length; i += 1) {
      const point = /** @type {Point} */ (points[i]);
      const [x, y] = [view.x(point.t), view.y(percent(pair, point.v))];
      // Events may be missing before a gap point: no line pretends to know what happened there.
      if (point.gap === true) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    ctx.stroke();
  }

  /** @param {Pair} pair @param {View} view */
  #dot(pair, view) {
    const ctx = this.#ctx;
    const color = this.#colors[`series${pair.series}`] ?? '#888';
    const head = this.#head(pair, view.right);
    ctx.beginPath();
    ctx.arc(view.x(head.t), view.y(percent(pair, head.v)), 4, 0, Math.PI * 2);
    ctx.fillStyle = color;
    ctx.strokeStyle = this.#colors.panel ?? '';
    ctx.lineWidth = 2;
    ctx.fill();
    ctx.stroke();
  }

  /**
   * Where the line crosses the right edge, or its last point if that is earlier.
   * @param {Pair} pair
   * @param {number} right
   * @returns {Point}
   */
  #head(pair, right) {
    const points = pair.points;
    const last = /** @type {Point} */ (points[points.length - 1]);
    if (last.t <= right || points.length < 2) return last;
    let i = points.length - 1;
    while (i > 0 && (points[i - 1]?.t ?? 0) > right) i -= 1;
    const a = points[i - 1];
    const b = points[i];
    if (a === undefined || b === undefined) return last;
    return { t: right, v: a.v + ((b.v - a.v) * (right - a.t)) / (b.t - a.t) };
  }

  #empty() {
    const ctx = this.#ctx;
    ctx.fillStyle = this.#colors.text ?? '';
    ctx.font = '14px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('Waiting for rates…', this.#size.width / 2, this.#size.height / 2);
  }

  #resize() {
    const ratio = window.devicePixelRatio || 1;
    const width = this.#canvas.clientWidth;
    const height = this.#canvas.clientHeight;
    this.#size = { width, height };
    this.#canvas.width = Math.round(width * ratio);
    this.#canvas.height = Math.round(height * ratio);
    this.#ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.draw();
  }

  /** The palette lives in style.css, so light and dark themes reach the canvas too. */
  #readColors() {
    const style = window.getComputedStyle(this.#canvas);
    const read = (/** @type {string} */ name) => style.getPropertyValue(name).trim();
    this.#colors = {
      grid: read('--chart-grid'),
      zero: read('--chart-zero'),
      text: read('--muted'),
      panel: read('--panel'),
    };
    for (let i = 0; i < 8; i += 1) this.#colors[`series${i}`] = read(`--series-${i}`);
  }
}
