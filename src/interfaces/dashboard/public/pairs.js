// @ts-check
/**
 * The rates the page has seen, per pair, kept for the chart's window and no
 * longer: memory stays flat however long the page stays open.
 *
 * @typedef {{ time: string, asset_id_base: string, asset_id_quote: string, rate: number, source: string }} Rate
 * @typedef {{ t: number, v: number }} Point  server time (ms) and rate
 * @typedef {object} Pair
 * @property {string} key       "BTC/USD"
 * @property {string} topic     "rates.BTC-USD", the topic it is published on
 * @property {number} series    its colour, in order of first appearance
 * @property {number} first     the first rate since the page opened: the baseline of "change"
 * @property {number} last
 * @property {string} source
 * @property {number} time      server time of the last rate
 * @property {number} receivedAt local time it arrived
 * @property {number} step      smoothed interval between rates (ms)
 * @property {boolean} followed
 * @property {Point[]} points   oldest first
 */

export const WINDOW_MS = 5 * 60_000;
/** Enough for the window at 10 rates/s; a hard bound whatever the server sends. */
const MAX_POINTS = 3_000;
const SERIES = 8;

/** @param {unknown} data @returns {data is Rate} */
export function isRate(data) {
  if (typeof data !== 'object' || data === null) return false;
  const d = /** @type {Record<string, unknown>} */ (data);
  return (
    typeof d.asset_id_base === 'string' &&
    typeof d.asset_id_quote === 'string' &&
    typeof d.rate === 'number' &&
    Number.isFinite(d.rate) &&
    typeof d.time === 'string'
  );
}

export class PairStore {
  /** @type {Map<string, Pair>} */
  pairs = new Map();
  /** Server clock minus local clock, smoothed, so the chart scrolls in server time. */
  skew = 0;
  /** Rates kept so far, for the chart's data-points attribute. */
  count = 0;
  #skewKnown = false;

  /** Server time now, as best known. */
  now() {
    return Date.now() + this.skew;
  }

  /**
   * Adds a rate; a rate not newer than the pair's last one (a replay after a
   * history gap) is ignored.
   * @param {Rate} rate
   * @returns {Pair | undefined} the pair, if the rate was new
   */
  add(rate, receivedAt = Date.now()) {
    const t = Date.parse(rate.time);
    if (!Number.isFinite(t) || rate.rate <= 0) return undefined;
    const key = `${rate.asset_id_base}/${rate.asset_id_quote}`;
    const pair = this.pairs.get(key) ?? this.#create(key, rate, t);
    if (pair.points.length > 0 && t <= pair.time) return undefined;
    if (pair.points.length > 0) this.#observeStep(pair, t - pair.time);
    Object.assign(pair, { last: rate.rate, source: rate.source, time: t, receivedAt });
    pair.points.push({ t, v: rate.rate });
    this.count += 1;
    this.#observeSkew(t - receivedAt);
    this.#prune(pair);
    return pair;
  }

  /** @returns {Pair[]} */
  followed() {
    return [...this.pairs.values()].filter((p) => p.followed);
  }

  /** @param {string} key @param {Rate} rate @param {number} t @returns {Pair} */
  #create(key, rate, t) {
    /** @type {Pair} */
    const pair = {
      key,
      topic: `rates.${rate.asset_id_base}-${rate.asset_id_quote}`,
      series: this.pairs.size % SERIES,
      first: rate.rate,
      last: rate.rate,
      source: rate.source,
      time: t,
      receivedAt: 0,
      step: 0,
      followed: true,
      points: [],
    };
    this.pairs.set(key, pair);
    return pair;
  }

  /** A gap (a restart, a paused fetcher) is not the cadence: it is left out. @param {Pair} pair @param {number} dt */
  #observeStep(pair, dt) {
    if (pair.step === 0) pair.step = dt;
    else if (dt <= pair.step * 5) pair.step += (dt - pair.step) * 0.2;
  }

  /** A replayed rate arrives late and says nothing about the clocks: it is left out. @param {number} skew */
  #observeSkew(skew) {
    if (this.#skewKnown && skew < this.skew - 2_000) return;
    this.skew = this.#skewKnown ? this.skew + (skew - this.skew) * 0.1 : skew;
    this.#skewKnown = true;
  }

  /** @param {Pair} pair */
  #prune(pair) {
    const oldest = pair.time - WINDOW_MS - 10_000;
    let drop = Math.max(0, pair.points.length - MAX_POINTS);
    while (drop < pair.points.length - 1 && (pair.points[drop]?.t ?? 0) < oldest) drop += 1;
    if (drop > 0) {
      pair.points.splice(0, drop);
      this.count -= drop;
    }
  }
}
