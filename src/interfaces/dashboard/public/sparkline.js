// @ts-check
/** @typedef {import('./pairs.js').Point} Point */

/** Points in a card's sparkline: the last minute or so at one rate per second. */
const POINTS = 90;

/** `#rrggbb` (the palette in style.css) with an alpha; anything else is returned as it is. */
function withAlpha(/** @type {string} */ color, /** @type {number} */ alpha) {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex === null) return color;
  const [r, g, b] = hex.slice(1).map((h) => parseInt(h, 16));
  return `rgb(${r} ${g} ${b} / ${alpha})`;
}

/**
 * Draws the last rates of one pair, scaled to their own range, in `color`:
 * the card's at-a-glance trend. Called on each new rate, so it never animates.
 * @param {HTMLCanvasElement} canvas
 * @param {readonly Point[]} all
 * @param {string} color
 */
export function drawSparkline(canvas, all, color) {
  const ctx = canvas.getContext('2d');
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (ctx === null || width === 0 || height === 0) return;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const points = all.slice(-POINTS);
  if (points.length < 2) return;
  const values = points.map((p) => p.v);
  const lo = Math.min(...values);
  const span = Math.max(Math.max(...values) - lo, lo * 1e-6);
  const x = (/** @type {number} */ i) => 2 + (i / (POINTS - 1)) * (width - 6);
  const y = (/** @type {number} */ v) => 3 + (1 - (v - lo) / span) * (height - 6);
  const offset = POINTS - points.length;
  ctx.beginPath();
  values.forEach((v, i) => ctx.lineTo(x(i + offset), y(v)));
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.75;
  ctx.lineJoin = 'round';
  ctx.stroke();
  ctx.lineTo(x(offset + values.length - 1), height);
  ctx.lineTo(x(offset), height);
  const fill = ctx.createLinearGradient(0, 0, 0, height);
  fill.addColorStop(0, withAlpha(color, 0.22));
  fill.addColorStop(1, withAlpha(color, 0));
  ctx.fillStyle = fill;
  ctx.fill();
}
