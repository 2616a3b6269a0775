import { expect } from 'chai';
import pino from 'pino';
import type { RateQuote } from '../../../../src/domain/rate';
import { Metrics } from '../../../../src/infrastructure/metrics/metrics';
import { CoinApiRateSource } from '../../../../src/infrastructure/rates/coinapi-rate-source';
import { ManualTime } from './manual-time';

const TIME = '2025-01-02T03:04:05.0000000Z';
const PAIRS = [
  { base: 'BTC', quote: 'USD' },
  { base: 'ETH', quote: 'USD' },
];

type Responder = (path: string) => Response;

const ok = (path: string): Response => {
  const [, , , base = '', quote = ''] = path.split('/');
  return Response.json({ time: TIME, asset_id_base: base, asset_id_quote: quote, rate: base === 'BTC' ? 2 : 1 });
};

/**
 * A source with every edge faked, its time included (the test moves it); `calls` records each requested path
 * with its time. Backoff draws its longest delays (random 1), so a failing request's retries are as few as can be.
 */
function sourceWith(respond: Responder) {
  const time = new ManualTime();
  const calls: { path: string; at: number }[] = [];
  const fetchFake = (input: string | URL | Request): Promise<Response> => {
    const path = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;
    calls.push({ path, at: time.now() });
    return Promise.resolve(respond(path));
  };
  const metrics = new Metrics();
  const source = new CoinApiRateSource(
    { url: 'http://coinapi.test', key: 'k', pairs: PAIRS, intervalMs: 100, maxBackoffMs: 800 },
    { logger: pino({ level: 'silent' }), metrics, clock: time, timer: time, fetch: fetchFake, random: () => 1 },
  );
  return { source, calls, metrics, time };
}

const countOf = (calls: { path: string; at: number }[], base: string, from: number, to: number): number =>
  calls.filter((c) => c.path.includes(`/${base}/`) && c.at >= from && c.at < to).length;

describe('CoinApiRateSource', () => {
  let source: CoinApiRateSource | undefined;
  afterEach(() => source?.stop());

  it('hands every valid quote over with source coinapi', async () => {
    const built = sourceWith(ok);
    source = built.source;
    const quotes: RateQuote[] = [];
    source.start((q) => (quotes.push(q), Promise.resolve(true)));
    await built.time.advance(0);
    expect(quotes.slice(0, 2)).to.deep.equal([
      { base: 'BTC', quote: 'USD', rate: 2, time: TIME, source: 'coinapi' },
      { base: 'ETH', quote: 'USD', rate: 1, time: TIME, source: 'coinapi' },
    ]);
    expect(source.readiness()).to.deep.equal({ ready: true });
  });

  it('ends a poll at a 429: the other requests are not sent while throttled', async () => {
    const built = sourceWith((path) =>
      path.includes('/BTC/')
        ? Response.json({ error: 'slow' }, { status: 429, headers: { 'Retry-After': '60' } })
        : ok(path),
    );
    source = built.source;
    source.start(() => Promise.resolve(true));
    await built.time.advance(59_000);
    expect(built.calls.map((c) => c.path)).to.deep.equal(['/v1/exchangerate/BTC/USD']);
  });

  it('backs off a failing base alone: the healthy one keeps the interval', async () => {
    const built = sourceWith((path) => (path.includes('/BTC/') ? new Response('down', { status: 500 }) : ok(path)));
    source = built.source;
    const from = built.time.now();
    source.start(() => Promise.resolve(true));
    // While the healthy base makes a request per 100 ms interval, the failing one, backing off, makes few.
    await built.time.advance(700);
    expect(countOf(built.calls, 'ETH', from, Infinity)).to.be.at.least(7);
    expect(countOf(built.calls, 'BTC', from, Infinity)).to.be.within(1, 4);
    const errors = await built.metrics.rateFetchErrors.get();
    expect(errors.values.find((v) => v.labels.reason === 'http-5xx')?.value).to.be.greaterThan(0);
  });

  it('sends nothing more once stopped', async () => {
    const built = sourceWith(ok);
    source = built.source;
    source.start(() => Promise.resolve(true));
    await built.time.advance(0);
    await source.stop();
    const sent = built.calls.length;
    await built.time.advance(1_000);
    expect(built.calls.length).to.equal(sent);
    expect(source.readiness().ready).to.equal(false);
  });

  it('reports rates-stalled while a poll hangs inside a request, even past its deadline, until the poll finishes', async () => {
    const time = new ManualTime();
    let hangNext = false;
    let release: (() => void) | undefined;
    // A fetch that, when told, ignores its signal: the request outlives the deadline, as a bug could make it.
    const fetchFake = (input: string | URL | Request): Promise<Response> => {
      const path = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;
      if (!hangNext) return Promise.resolve(ok(path));
      hangNext = false;
      return new Promise((resolve) => (release = () => resolve(ok(path))));
    };
    source = new CoinApiRateSource(
      { url: 'http://coinapi.test', key: 'k', pairs: PAIRS, intervalMs: 100 },
      { logger: pino({ level: 'silent' }), metrics: new Metrics(), clock: time, timer: time, fetch: fetchFake },
    );
    source.start(() => Promise.resolve(true));
    await time.advance(0);
    expect(source.readiness(), 'after the first poll').to.deep.equal({ ready: true });
    hangNext = true;
    await time.advance(100);
    expect(release, 'the second poll is stuck in its first request').not.to.equal(undefined);
    // Three intervals plus the 80 ms deadline after the first poll finished: still within the limit.
    await time.advance(3 * 100 + 80 - 100);
    expect(source.readiness()).to.deep.equal({ ready: true });
    await time.advance(1);
    expect(source.readiness()).to.deep.equal({ ready: false, reason: 'rates-stalled' });
    release?.();
    await time.advance(0);
    expect(source.readiness(), 'once the poll has finished').to.deep.equal({ ready: true });
  });

  it('ends a request at 80 % of the interval, and never later than 10 s', async () => {
    for (const intervalMs of [1_000, 60_000]) {
      const time = new ManualTime();
      const abortedAt: number[] = [];
      // A server that never answers: only the deadline ends the request.
      const fetchFake = (_input: string | URL | Request, init?: RequestInit): Promise<Response> =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => (abortedAt.push(time.now()), reject(new Error('aborted')))),
        );
      const parts = { logger: pino({ level: 'silent' }), metrics: new Metrics(), clock: time, timer: time };
      const hanging = new CoinApiRateSource(
        { url: 'http://coinapi.test', key: 'k', pairs: PAIRS.slice(0, 1), intervalMs },
        { ...parts, fetch: fetchFake },
      );
      const started = time.now();
      hanging.start(() => Promise.resolve(true));
      await time.advance(20_000);
      await hanging.stop();
      expect(abortedAt[0]! - started, `interval ${intervalMs} ms`).to.equal(Math.min(10_000, intervalMs * 0.8));
    }
  });
});
