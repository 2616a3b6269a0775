import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { misbehave, type Misbehaviour } from './fake-coinapi-misbehaviour';
import { eventually } from './wait';

/** One request the fake received, as it arrived, and when it was over (answered, or dropped by the client). */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/v1/exchangerate/BTC?filter_asset_id=USD;EUR`. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Date.now() on arrival. */
  readonly at: number;
  endedAt: number | undefined;
  status: number | undefined;
  /** Body bytes written to the socket so far. */
  bytesSent: number;
}

/** How to answer one request; unset fields fall back to the documented CoinAPI behaviour. */
export interface FakeAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (the client may give up first). */
  readonly delayMs?: number;
  /** A JSON value to send; default: the exchange-rate answer for the path. */
  readonly body?: unknown;
  /** Sent as is instead of `body` (malformed JSON, say). */
  readonly raw?: string;
  /** The body made from the X-CoinAPI-Key the request carried (an upstream that echoes the key, or part of it). */
  readonly echoKey?: (key: string) => string;
  /** Sends the answer badly: no headers ever, a trickle, a body that never ends, a huge body (see Misbehaviour). */
  readonly misbehave?: Misbehaviour;
}

export type Script = (request: RecordedRequest) => FakeAnswer;

const RATE_PATH = /^\/v1\/exchangerate\/([A-Z0-9]+)(?:\/([A-Z0-9]+))?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** CoinAPI's time format: ISO 8601 with seven fractional digits. */
const coinApiTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '0000Z');

/**
 * A local stand-in for CoinAPI's REST API (there is no internet in the tests),
 * following its documented shapes: `GET /v1/exchangerate/{base}/{quote}` and
 * `GET /v1/exchangerate/{base}?filter_asset_id=Q1;Q2`, `X-RateLimit-*` headers,
 * errors as `{"error": "…"}`, 401 for a wrong key, 550 for a pair it has no
 * rate for. A test sets `rates`, or a `script` that answers otherwise (an
 * error, a delay, an echo of the key, or a misbehaviour on the wire: no
 * headers, a trickle, a body that never ends, a huge body); every request is
 * recorded with its headers, times and body bytes sent, and the fake counts
 * how many it is answering at once.
 */
export class FakeCoinApi {
  readonly requests: RecordedRequest[] = [];
  /** Rate per pair (`BTC/USD`); any JSON value, so tests can serve a negative or a string. */
  readonly rates = new Map<string, unknown>([
    ['BTC/USD', 87_000.1],
    ['BTC/EUR', 75_000.2],
    ['ETH/USD', 2_900.3],
  ]);
  /**
   * X-RateLimit-* headers on every answer (reset 24 h ahead); `remaining` counts
   * down by one per request. Large by default, so the quota never slows a test.
   */
  quota: { limit: number; remaining: number } | undefined = { limit: 1e9, remaining: 999_000_000 };
  script: Script | undefined;
  inFlight = 0;
  maxInFlight = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  private constructor(private readonly key: string | undefined) {}

  /** Listens on a free loopback port; with `key`, any other X-CoinAPI-Key gets CoinAPI's 401. */
  static async start(key?: string): Promise<FakeCoinApi> {
    const fake = new FakeCoinApi(key);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests that arrived in [from, to). */
  countBetween(from: number, to: number): number {
    return this.requests.filter((r) => r.at >= from && r.at < to).length;
  }

  /** Resolves once `predicate` holds over the requests so far; rejects after `timeoutMs`. */
  waitFor(predicate: (requests: RecordedRequest[]) => boolean, timeoutMs = 5_000): Promise<void> {
    const what = (): string => `the fake CoinAPI's requests; ${this.requests.length} so far`;
    return eventually(() => predicate(this.requests), what, timeoutMs, 10);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      at: Date.now(),
      endedAt: undefined,
      status: undefined,
      bytesSent: 0,
    };
    this.requests.push(record);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => {
      this.inFlight -= 1;
      record.endedAt = Date.now();
    });
    const answer = this.script?.(record) ?? {};
    const send = (): void => this.send(record, res, answer);
    if (answer.delayMs === undefined) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, answer.delayMs);
    this.timers.add(timer);
  }

  private send(record: RecordedRequest, res: http.ServerResponse, answer: FakeAnswer): void {
    if (res.destroyed) return;
    const documented = this.documented(record);
    const status = answer.status ?? documented.status;
    const key = record.headers['x-coinapi-key'];
    const echoed = answer.echoKey?.(typeof key === 'string' ? key : '');
    const text = echoed ?? answer.raw ?? JSON.stringify(answer.body ?? documented.body);
    record.status = status;
    const headers = { 'Content-Type': 'application/json', ...this.quotaHeaders(), ...answer.headers };
    if (answer.misbehave !== undefined) {
      const track = (timer: NodeJS.Timeout): void => void this.timers.add(timer);
      const sent = (bytes: number): void => void (record.bytesSent += bytes);
      return misbehave(answer.misbehave, { res, status, headers, text, sent, track });
    }
    res.writeHead(status, headers);
    res.end(text);
    record.bytesSent += Buffer.byteLength(text);
  }

  /** What CoinAPI would answer. */
  private documented(record: RecordedRequest): { status: number; body: unknown } {
    if (this.key !== undefined && record.headers['x-coinapi-key'] !== this.key) {
      return { status: 401, body: { error: 'Invalid API key' } };
    }
    const url = new URL(record.url, 'http://fake');
    const match = RATE_PATH.exec(url.pathname);
    const base = match?.[1];
    if (record.method !== 'GET' || base === undefined) return { status: 404, body: { error: 'Not found' } };
    const time = coinApiTime(Date.now());
    const single = match?.[2];
    if (single !== undefined) {
      const rate = this.rates.get(`${base}/${single}`);
      if (rate === undefined) return { status: 550, body: { error: 'No data for the requested pair' } };
      return { status: 200, body: { time, asset_id_base: base, asset_id_quote: single, rate } };
    }
    const wanted = (url.searchParams.get('filter_asset_id') ?? '').split(/[;,]/).filter((q) => q !== '');
    const rates = [...this.rates]
      .filter(([pair]) => pair.startsWith(`${base}/`))
      .map(([pair, rate]) => ({ time, asset_id_quote: pair.slice(base.length + 1), rate }))
      .filter((entry) => wanted.length === 0 || wanted.includes(entry.asset_id_quote));
    return { status: 200, body: { asset_id_base: base, rates } };
  }

  private quotaHeaders(): Record<string, string> {
    if (this.quota === undefined) return {};
    this.quota.remaining -= 1;
    return {
      'X-RateLimit-Limit': String(this.quota.limit),
      'X-RateLimit-Remaining': String(this.quota.remaining),
      'X-RateLimit-Request-Cost': '1',
      'X-RateLimit-Reset': coinApiTime(Date.now() + DAY_MS),
    };
  }
}
