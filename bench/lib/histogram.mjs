// Log-linear latency histogram in microseconds: exact below 256 µs, then 128
// buckets per power of two (relative error under 0.4 %). Small enough to send
// over IPC as [index, count] pairs and merge in the driver.

const LINEAR = 256;
const SUB_BITS = 7; // 128 sub-buckets per octave
const SUB = 1 << SUB_BITS;
const SIZE = LINEAR + 40 * SUB;

function indexOf(v) {
  if (v < LINEAR) return v < 0 ? 0 : v;
  const w = Math.min(v, 2 ** 31 - 1);
  const shift = 31 - Math.clz32(w) - SUB_BITS;
  const i = LINEAR + (shift - 1) * SUB + ((w >>> shift) - SUB);
  return i < SIZE ? i : SIZE - 1;
}

/** The middle of bucket i. */
function valueOf(i) {
  if (i < LINEAR) return i;
  const shift = Math.floor((i - LINEAR) / SUB) + 1;
  const lower = ((i - LINEAR) % SUB) + SUB;
  return lower * 2 ** shift + 2 ** (shift - 1);
}

export class Histogram {
  constructor() {
    this.counts = new Uint32Array(SIZE);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  add(us) {
    const v = us > 0 ? Math.round(us) : 0;
    this.counts[indexOf(v)]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  toJSON() {
    const pairs = [];
    for (let i = 0; i < SIZE; i++) if (this.counts[i] !== 0) pairs.push([i, this.counts[i]]);
    return { n: this.n, max: this.max, sum: this.sum, pairs };
  }

  merge(json) {
    for (const [i, c] of json.pairs) this.counts[i] += c;
    this.n += json.n;
    this.sum += json.sum;
    if (json.max > this.max) this.max = json.max;
  }

  /** p in [0, 1]; null when empty. */
  percentile(p) {
    if (this.n === 0) return null;
    const want = Math.max(1, Math.ceil(p * this.n));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= want) return Math.min(valueOf(i), this.max);
    }
    return this.max;
  }

  summary() {
    const pct = (p) => this.percentile(p);
    return {
      n: this.n,
      mean: this.n ? Math.round(this.sum / this.n) : null,
      p50: pct(0.5),
      p90: pct(0.9),
      p99: pct(0.99),
      p999: pct(0.999),
      max: this.n ? this.max : null,
    };
  }
}
