// The publisher: keep-alive connections (--in-flight, default 1), one request in flight
// on each. Event k leaves at its scheduled time (t0 + k / rate) or when its
// connection's previous answer arrives, whichever is later; rate 0 means as fast as
// the server answers. Each body is
// {"message":{"t":<send µs, monotonic>,"s":<k>,"p":"xx…"}} padded to ~payload bytes,
// stamped right before the write.
import net from 'node:net';
import { nowUs, sleep } from './clock.mjs';

/** One HTTP/1.1 connection answering one request at a time. */
class Connection {
  constructor(port) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.setNoDelay(true);
    this.text = '';
    this.waiter = null;
    this.closed = false;
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.settle(new Error('connection closed'));
    });
  }

  request(bytes, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        this.settle(new Error('request timed out'));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.text = '';
      this.socket.write(bytes);
    });
  }

  settle(error, status) {
    const w = this.waiter;
    if (w === null) return;
    this.waiter = null;
    clearTimeout(w.timer);
    if (error) w.reject(error);
    else w.resolve(status);
  }

  onData(d) {
    this.text += d.toString('latin1');
    const end = this.text.indexOf('\r\n\r\n');
    if (end < 0 || this.waiter === null) return;
    const head = this.text.slice(0, end).toLowerCase();
    const body = this.text.length - end - 4;
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    const complete = length
      ? body >= Number(length[1])
      : !/\r\ntransfer-encoding: *chunked/.test(head) || this.text.endsWith('\r\n0\r\n\r\n');
    if (!complete) return;
    if (/\r\nconnection: *close/.test(head)) this.socket.end();
    this.settle(null, status);
  }

  close() {
    this.socket.destroy();
  }
}

export function bodyPadding(payload, m) {
  const sample = `{"message":{"t":${nowUs()},"s":${Math.max(0, m - 1)},"p":""}}`;
  return 'x'.repeat(Math.max(0, payload - sample.length));
}

/**
 * Publishes M events over `inFlight` keep-alive connections (default 1), each with one request in flight:
 * event k goes on connection k mod inFlight at its scheduled time (t0 + k / rate) or when that
 * connection's previous answer arrives, whichever is later. With more than one, events may be answered
 * (and delivered) out of order; the streams' sequence check allows for it.
 */
export class Publisher {
  constructor({ port, path, payload, m, rate, inFlight = 1, timeoutMs = 30_000 }) {
    Object.assign(this, { port, path, m, rate, inFlight, timeoutMs });
    this.pad = bodyPadding(payload, m);
    this.stopped = false;
    this.conns = [];
    this.answered = 0;
    this.result = { sent: 0, ok: 0, errors: 0, statuses: {}, firstSendUs: 0, lastAnswerUs: 0, lastError: null };
  }

  stop() {
    this.stopped = true;
    for (const conn of this.conns) conn?.close();
  }

  /** Publishes the M events; `onEvent(answered)` after each answer. Resolves with the counts. */
  async run(onEvent = () => {}) {
    const r = this.result;
    const gap = this.rate > 0 ? 1e6 / this.rate : 0;
    const t0 = nowUs() + 20_000;
    const lanes = Array.from({ length: Math.min(this.inFlight, this.m) }, (_, i) => this.lane(i, t0, gap, onEvent));
    await Promise.all(lanes);
    for (const conn of this.conns) conn?.close();
    const span = (r.lastAnswerUs - r.firstSendUs) / 1e6;
    r.achievedRate = span > 0 ? r.sent / span : 0;
    return r;
  }

  /** Connection `i`: events i, i + inFlight, i + 2 × inFlight … */
  async lane(i, t0, gap, onEvent) {
    const r = this.result;
    for (let k = i; k < this.m && !this.stopped; k += this.inFlight) {
      const wait = t0 + k * gap - nowUs();
      if (gap > 0 && wait > 1000) await sleep(wait / 1000);
      if (this.conns[i] == null || this.conns[i].closed) this.conns[i] = new Connection(this.port);
      const t = nowUs();
      const body = `{"message":{"t":${t},"s":${k},"p":"${this.pad}"}}`;
      const req =
        `POST ${this.path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      if (r.firstSendUs === 0 || t < r.firstSendUs) r.firstSendUs = t;
      r.sent++;
      try {
        const status = await this.conns[i].request(req, this.timeoutMs);
        r.statuses[status] = (r.statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) r.ok++;
        else r.errors++;
      } catch (e) {
        r.errors++;
        r.lastError = e.message;
      }
      r.lastAnswerUs = nowUs();
      onEvent(++this.answered);
    }
  }
}
