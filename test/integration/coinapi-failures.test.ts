import { expect } from 'chai';
import pino from 'pino';
import { CoinApiRateSource } from '../../src/infrastructure/rates/coinapi-rate-source';
import { DedupingRateSource, RATE_HEARTBEAT_MS } from '../../src/infrastructure/rates/deduping-rate-source';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { TOKENS } from '../../src/tokens';
import { RecordingEventSource } from '../support/event-source-client';
import { FakeCoinApi, type FakeAnswer } from '../support/fake-coinapi';
import { startService, type RunningService } from '../support/in-process-service';
import { eventually } from '../support/wait';
import { eventuallyValue } from '../support/wait';

const KEY = 'failures-test-key';
const INTERVAL_MS = 100;
/** Backoff bounds 200, 400, 800, 800… ms (delays drawn from their upper half). */
const MAX_BACKOFF_MS = 800;
const KEY_RETRY_MS = 1_000;
const WINDOW_MS = 1_500;
/** At 100 ms a healthy loop makes ~15 requests in the window; backing off, at most 5 (see the bounds above). */
const MAX_BACKING_OFF = 6;

type Rate = { asset_id_base: string; rate: unknown };

/**
 * One service polling one pair (BTC/USD) every 100 ms from a fake CoinAPI,
 * with backoff caps shrunk through the constructor. Each test breaks the
 * fake in one way, counts the requests over a window, checks that nothing was
 * published and that /metrics shows the error, then heals the fake with a new
 * rate and waits for that rate to arrive.
 */
describe('CoinApiRateSource under CoinAPI failures', () => {
  let fake: FakeCoinApi;
  let service: RunningService;
  let client: RecordingEventSource;
  const logLines: { level: string; msg: string }[] = [];
  let nextRate = 50_000;

  const rates = (): Rate[] =>
    client.received.map((r) => JSON.parse(r.data) as Rate).filter((d) => d.asset_id_base === 'BTC');

  before(async () => {
    fake = await FakeCoinApi.start(KEY);
    const logger = pino(
      { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => void logLines.push(JSON.parse(line) as { level: string; msg: string }) },
    );
    service = await startService({ rateSource: 'coinapi', coinApiKey: KEY, coinApiUrl: fake.url }, (c) => {
      c.rebindSync(TOKENS.RateSource).toDynamicValue((ctx) => {
        const clock = ctx.get(TOKENS.Clock);
        const source = new CoinApiRateSource(
          {
            url: fake.url,
            key: KEY,
            pairs: [{ base: 'BTC', quote: 'USD' }],
            intervalMs: INTERVAL_MS,
            maxBackoffMs: MAX_BACKOFF_MS,
            keyRejectedRetryMs: KEY_RETRY_MS,
            unreadyAfter: 2,
          },
          { logger, metrics: ctx.get(Metrics), clock },
        );
        return new DedupingRateSource(source, RATE_HEARTBEAT_MS, clock);
      });
    });
    client = new RecordingEventSource(`${service.url}/api/v1/sso/stream?topic=rates.*`);
    await client.waitFor(() => rates().length > 0);
  });

  after(async () => {
    client.close();
    await service.stop();
    await fake.close();
  });

  /**
   * Breaks the fake for one window; returns how many requests it got in that window (an upper bound is what
   * shows backoff). Also waits, however slow the machine, until a request has met the breakage.
   */
  async function breakFor(breakage: () => void): Promise<number> {
    const from = Date.now();
    breakage();
    await fake.waitFor(() => Date.now() >= from + WINDOW_MS, WINDOW_MS + 1_000);
    await fake.waitFor((requests) => requests.some((r) => r.at >= from && r.endedAt !== undefined), 10_000);
    return fake.countBetween(from, from + WINDOW_MS);
  }

  /** Waits until /metrics shows `series` above `before`. */
  async function counted(series: string, before: number): Promise<void> {
    await eventually(async () => (await metric(series)) > before, `${series} to go above ${before}`);
  }

  /** Heals the fake with a rate never served before, and waits for it to reach the client. */
  async function healAndRecover(): Promise<void> {
    nextRate += 1;
    const rate = nextRate;
    fake.script = undefined;
    fake.rates.set('BTC/USD', rate);
    await client.waitFor(() => rates().some((r) => r.rate === rate), 5_000);
  }

  async function metric(series: string): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const escaped = series.replace(/[{}]/g, '\\$&');
    return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  }

  /**
   * Polls the rate source's readiness (what a ROLE=fetcher's /readyz reports) until it is not ready;
   * returns the reason. This process serves streams (ROLE=all), so its own /readyz follows the bus only.
   */
  async function notReadyReason(timeoutMs = 5_000): Promise<string> {
    const source = service.container.get(TOKENS.RateSource)!;
    return eventuallyValue(
      () => {
        const readiness = source.readiness();
        return readiness.ready ? undefined : readiness.reason;
      },
      'the rate source to be not ready',
      timeoutMs,
    );
  }

  /** The shared check: backoff shown by the count, nothing published, the error counted, recovery. */
  async function expectBackoff(reason: string, answer: FakeAnswer | (() => void)): Promise<void> {
    const errorsBefore = await metric(`sse_rate_fetch_errors_total{reason="${reason}"}`);
    const eventsBefore = rates().length;
    const count = await breakFor(() => {
      if (typeof answer === 'function') answer();
      else fake.script = () => answer;
    });
    expect(count, 'requests in the window').to.be.at.most(MAX_BACKING_OFF);
    expect(rates().length, 'events published while broken').to.equal(eventsBefore);
    await counted(`sse_rate_fetch_errors_total{reason="${reason}"}`, errorsBefore);
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
    await healAndRecover();
  }

  it('backs off on 500, counts http-5xx, and recovers', async () => {
    await expectBackoff('http-5xx', { status: 500, body: { error: 'Internal error' } });
    expect((await fetch(`${service.url}/readyz`)).status).to.equal(200);
  });

  it('reports not ready with a reason code after failed polls in a row', async () => {
    fake.script = () => ({ status: 503, body: { error: 'Service unavailable' } });
    const reason = await notReadyReason();
    expect((await fetch(`${service.url}/readyz`)).status, 'a stream server stays ready').to.equal(200);
    expect(reason).to.equal('rates-http-5xx');
    expect(fake.requests.filter((r) => r.status === 503).length).to.be.at.least(2);
    await healAndRecover();
    expect((await fetch(`${service.url}/readyz`)).status).to.equal(200);
  });

  it('backs off on a timeout, never with two requests open at once', async () => {
    fake.maxInFlight = fake.inFlight;
    await expectBackoff('timeout', { delayMs: 1_000 });
    expect(fake.maxInFlight).to.equal(1);
  });

  it('backs off on malformed JSON', async () => {
    await expectBackoff('malformed-json', { raw: '{"time": "2026-01-0' });
  });

  it('backs off on an answer of the wrong shape', async () => {
    await expectBackoff('invalid-response', { body: { message: 'hello' } });
  });

  it('publishes nothing for a negative rate, and backs off', async () => {
    await expectBackoff('invalid-rate', () => fake.rates.set('BTC/USD', -5));
    expect(rates().some((r) => r.rate === -5)).to.equal(false);
  });

  it('publishes nothing for a non-numeric rate, and backs off', async () => {
    await expectBackoff('invalid-rate', () => fake.rates.set('BTC/USD', '87000.5'));
    expect(rates().some((r) => typeof r.rate !== 'number')).to.equal(false);
  });

  it('honours Retry-After on 429', async () => {
    const errorsBefore = await metric('sse_rate_fetch_errors_total{reason="throttled"}');
    const count = await breakFor(() => {
      fake.script = () => ({ status: 429, headers: { 'Retry-After': '1' }, body: { error: 'Too many requests' } });
    });
    // the first 429 comes within one interval; the next only a second later (backoff alone would allow ~5)
    expect(count).to.be.at.most(2);
    await counted('sse_rate_fetch_errors_total{reason="throttled"}', errorsBefore);
    await healAndRecover();
  });

  it('backs off exponentially on 429 without Retry-After, then resumes the normal cadence', async () => {
    await expectBackoff('throttled', { status: 429, body: { error: 'Too many requests' } });
    const from = Date.now();
    // Still backing off at the cap, requests come at least 400 ms apart: never 5 within a second. At the
    // 100 ms cadence a second holds ~10; waiting for some second with 5 leaves room for a slow machine.
    const quickSecond = (): boolean =>
      fake.requests.some((r) => r.at >= from && fake.countBetween(r.at, r.at + 1_000) >= 5);
    await fake.waitFor(quickSecond, 10_000);
  });

  for (const status of [401, 403]) {
    it(`logs one "key rejected" line on ${status}, retries slowly, is not ready, and recovers`, async () => {
      const errorsBefore = await metric('sse_rate_fetch_errors_total{reason="key-rejected"}');
      const linesBefore = logLines.length;
      const eventsBefore = rates().length;
      const count = await breakFor(() => {
        fake.script = () => ({ status, body: { error: 'Invalid API key' } });
      });
      expect(count, 'requests in the window').to.be.at.most(2);
      expect(rates().length).to.equal(eventsBefore);
      await counted('sse_rate_fetch_errors_total{reason="key-rejected"}', errorsBefore);
      const rejected = logLines.slice(linesBefore).filter((l) => /key rejected/.test(l.msg) && l.level === 'error');
      expect(rejected).to.have.length(1);
      expect(await notReadyReason()).to.equal('rates-key-rejected');
      await healAndRecover();
      expect(logLines.slice(linesBefore).some((l) => l.msg === 'CoinAPI accepts the key again')).to.equal(true);
    });
  }
});
