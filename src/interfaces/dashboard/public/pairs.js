// @ts-check
/**
 * The rates the page has seen, per pair, kept for the chart's window and no
 * longer: memory stays flat however long the page stays open.
 *
 * @typedef {{ time: string, asset_id_base: string, asset_id_quote: string, rate: number, source: string }} Rate
 * @typedef {{ t: number, v: number, gap?: boolean }} Point  server time (ms) and rate; gap: events may be missing before it
 * @typedef {object} Pair
 * @property {string} key       "BTC/USD"
 * @property {string} topic     "rates.BTC-USD", the topic it is published on
 * @property {number} series    its colour, in order of first appearance
 * @property {number} first     the first rate the page got (from history or live): the baseline of "change"
 * @property {number} firstTime server time of that rate
 * @property {number} last
 * @property {string} source
 * @property {number} time      server time of the last rate
 * @property {number} receivedAt local time it was published, as best known (a replayed rate is old)
 * @property {boolean} broken    events were missed since the last point: the next one starts a new line
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
  /** Breaks kept in the lines (a point after missed events), for the chart's data-gaps attribute. */
  gaps = 0;
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
    if (pair.points.length > 0 && !pair.broken) this.#observeStep(pair, t - pair.time);
    this.#observeSkew(t - receivedAt);
    const publishedAt = Math.min(receivedAt, t - this.skew);
    pair.points.push(pair.broken && pair.points.length > 0 ? { t, v: rate.rate, gap: true } : { t, v: rate.rate });
    if (pair.broken && pair.points.length > 1) this.gaps += 1;
    Object.assign(pair, { last: rate.rate, source: rate.source, time: t, receivedAt: publishedAt, broken: false });
    this.count += 1;
    this.#prune(pair);
    return pair;
  }

  /** Events were missed (a reset): each pair's next rate starts a new line instead of joining the last. */
  markGap() {
    for (const pair of this.pairs.values()) pair.broken = true;
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
      firstTime: t,
      last: rate.rate,
      source: rate.source,
      time: t,
      receivedAt: 0,
      step: 0,
      broken: false,
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

  /**
   * Each rate's lateness bounds the skew from below, so a higher estimate is taken at once (the history
   * replayed at load arrives oldest first, every rate later than the one before) and a lower one only
   * slowly; a rate more than 2 s later than expected is a replay and says nothing about the clocks.
   * @param {number} skew
   */
  #observeSkew(skew) {
    if (!this.#skewKnown || skew > this.skew) this.skew = skew;
    else if (skew >= this.skew - 2_000) this.skew += (skew - this.skew) * 0.1;
    this.#skewKnown = true;
  }

  /** @param {Pair} pair */
  #prune(pair) {
    const oldest = pair.time - WINDOW_MS - 10_000;
    let drop = Math.max(0, pair.points.length - MAX_POINTS);
    while (drop < pair.points.length - 1 && (pair.points[drop]?.t ?? 0) < oldest) drop += 1;
    if (drop > 0) {
      this.gaps -= pair.points.slice(1, drop + 1).filter((p) => p.gap).length;
      pair.points.splice(0, drop);
      this.count -= drop;
    }
  }
}
