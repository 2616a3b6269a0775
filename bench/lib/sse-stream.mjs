// The receiving side of one subscriber: HTTP response head, chunked framing when
// the server uses it, SSE lines and events. Works on byte ranges of a buffer that
// the caller reuses for every read, so nothing here keeps a reference to it.
//
// Each event's data is searched for the publisher's `"t":<send µs>` and
// `"s":<sequence>` keys (any JSON shape works as long as the keys appear).
// Lines end in LF or CRLF (what every target sends); a bare CR is not a line end.

const LF = 10;
const CR = 13;
const COLON = 58;
const KEY_T = Buffer.from('"t":');
const KEY_S = Buffer.from('"s":');
const MAX_HEAD = 16 * 1024;
const MAX_LINE = 1 << 20;

// chunked-framing states
const SIZE = 0;
const EXT = 1;
const DATA = 2;
const DATA_END = 3;

/** Outcome of feeding bytes: still waiting for the head, streaming, or why it stopped. */
export const FEED = { HEAD: 0, OK: 1, FAIL: 2, ENDED: 3 };

/** Counters shared by every stream of one load worker; `target`: events each stream should get. */
export function streamStats(histogram, target) {
  const zero = { deliveries: 0, dataBytes: 0, otherEvents: 0, dups: 0, gaps: 0, protoErrors: 0, firstUs: 0, lastUs: 0 };
  return { hist: histogram, target, ...zero };
}

function hexValue(b) {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

/** The whole number after `key` within [from, to) of buf, or -1. */
function numberAfter(buf, key, from, to) {
  const at = buf.indexOf(key, from);
  if (at < 0 || at >= to) return -1;
  let i = at + key.length;
  while (i < to && (buf[i] === 32 || buf[i] === 34)) i++;
  let v = -1;
  for (; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    v = (v < 0 ? 0 : v * 10) + d;
  }
  return v;
}

export class SseStream {
  constructor(stats, trackIds) {
    this.stats = stats;
    this.head = ''; // latin1 text of the response head until it is complete
    this.inHead = true;
    this.failure = null; // why the head was refused
    this.chunked = false;
    this.cstate = SIZE;
    this.remaining = 0;
    this.carry = null; // a line cut by the end of a read
    this.hasData = false;
    this.t = -1;
    this.s = -1;
    this.id = null;
    this.max = -1; // highest sequence number seen
    this.seen = new Uint8Array(0); // one bit per sequence number: events may arrive out of order
    this.recv = 0;
    this.ids = trackIds ? [] : null; // id by sequence number, for the cross-replica check
  }

  /** Feed buf[0, n) received at `now` (µs). */
  feed(buf, n, now) {
    let from = 0;
    let result = FEED.OK;
    if (this.inHead) {
      from = this.readHead(buf, n);
      if (from < 0) return this.failure === null ? FEED.HEAD : FEED.FAIL;
      result = FEED.OK;
    }
    if (from >= n) return result;
    if (!this.chunked) {
      this.feedSse(buf, from, n, now);
      return result;
    }
    return this.feedChunked(buf, from, n, now) ? FEED.ENDED : result;
  }

  /** Offset of the body in buf once the head is complete, else -1. */
  readHead(buf, n) {
    const before = this.head.length;
    this.head += buf.toString('latin1', 0, n);
    const end = this.head.indexOf('\r\n\r\n', Math.max(0, before - 3));
    if (end < 0) {
      if (this.head.length > MAX_HEAD) this.failure = 'protocol';
      return -1;
    }
    const lines = this.head.slice(0, end).split('\r\n');
    this.head = '';
    this.inHead = false;
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!status) this.failure = 'protocol';
    else if (status[1] !== '200') this.failure = `status_${status[1]}`;
    let eventStream = false;
    for (const line of lines.slice(1)) {
      const lower = line.toLowerCase();
      if (lower.startsWith('content-type:') && lower.includes('text/event-stream')) eventStream = true;
      if (lower.startsWith('transfer-encoding:') && lower.includes('chunked')) this.chunked = true;
    }
    if (this.failure === null && !eventStream) this.failure = 'content_type';
    return this.failure === null ? end + 4 - before : -1;
  }

  /** True when the server ended the body (or broke the framing). */
  feedChunked(buf, i, end, now) {
    while (i < end) {
      if (this.cstate === DATA) {
        const stop = Math.min(end, i + this.remaining);
        this.feedSse(buf, i, stop, now);
        this.remaining -= stop - i;
        i = stop;
        if (this.remaining === 0) this.cstate = DATA_END;
        continue;
      }
      const b = buf[i++];
      if (this.cstate === SIZE) {
        const d = hexValue(b);
        if (d >= 0) this.remaining = this.remaining * 16 + d;
        else if (b === LF) this.cstate = DATA;
        else this.cstate = EXT; // CR, or a chunk extension
      } else if (this.cstate === EXT) {
        if (b === LF) this.cstate = DATA;
      } else if (b === LF) {
        this.cstate = SIZE; // DATA_END: the CRLF after a chunk's data
      } else if (b !== CR) {
        this.stats.protoErrors++;
        return true;
      }
      if (this.cstate === DATA && this.remaining === 0) return true; // the last chunk
    }
    return false;
  }

  feedSse(buf, i, end, now) {
    if (this.carry !== null) {
      const nl = buf.indexOf(LF, i);
      if (nl < 0 || nl >= end) {
        if (this.carry.length < MAX_LINE) this.carry = Buffer.concat([this.carry, buf.subarray(i, end)]);
        return;
      }
      const line = Buffer.concat([this.carry, buf.subarray(i, nl)]);
      this.carry = null;
      this.line(line, 0, line.length, now);
      i = nl + 1;
    }
    while (i < end) {
      const nl = buf.indexOf(LF, i);
      if (nl < 0 || nl >= end) {
        this.carry = Buffer.from(buf.subarray(i, end)); // a copy: buf is reused
        return;
      }
      this.line(buf, i, nl, now);
      i = nl + 1;
    }
  }

  line(buf, s, e, now) {
    if (e > s && buf[e - 1] === CR) e--;
    if (s === e) return this.dispatch(now);
    const b0 = buf[s];
    if (b0 === COLON) return undefined; // comment (heartbeat)
    if (b0 === 100 && buf[s + 4] === COLON && buf[s + 1] === 97 && buf[s + 2] === 116 && buf[s + 3] === 97) {
      if (this.hasData) this.stats.dataBytes++; // the "\n" joining data lines
      this.hasData = true;
      this.stats.dataBytes += e - s - (buf[s + 5] === 32 ? 6 : 5);
      if (this.t < 0) this.t = numberAfter(buf, KEY_T, s, e);
      if (this.s < 0) this.s = numberAfter(buf, KEY_S, s, e);
    } else if (this.ids !== null && b0 === 105 && buf[s + 1] === 100 && buf[s + 2] === COLON) {
      this.id = buf.toString('latin1', buf[s + 3] === 32 ? s + 4 : s + 3, e);
    }
    return undefined;
  }

  /** Marks `seq` seen; true when it was already (a duplicate). */
  mark(seq) {
    const byte = seq >> 3;
    if (byte >= this.seen.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    const bit = 1 << (seq & 7);
    const dup = (this.seen[byte] & bit) !== 0;
    this.seen[byte] |= bit;
    return dup;
  }

  dispatch(now) {
    if (!this.hasData) return;
    const st = this.stats;
    if (this.t >= 0 && this.s >= 0) {
      const seq = this.s;
      st.hist.add(now - this.t);
      if (this.mark(seq)) st.dups++;
      else if (seq > this.max) {
        st.gaps += seq - this.max - 1; // the sequence numbers skipped are missing until they arrive
        this.max = seq;
      } else st.gaps--; // a late one, counted missing when a later one came first
      if (this.ids !== null && this.id !== null) this.ids[seq] = this.id;
      this.recv++;
      st.deliveries++;
      if (st.firstUs === 0) st.firstUs = now;
      st.lastUs = now;
    } else st.otherEvents++;
    this.hasData = false;
    this.t = -1;
    this.s = -1;
    this.id = null;
  }
}
