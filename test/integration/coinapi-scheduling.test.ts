import { expect } from 'chai';
import type { Config } from '../../src/infrastructure/config/config';
import { CoinApiRateSource } from '../../src/infrastructure/rates/coinapi-rate-source';
import { DedupingRateSource } from '../../src/infrastructure/rates/deduping-rate-source';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { TOKENS } from '../../src/tokens';
import { RecordingEventSource } from '../support/event-source-client';
import { FakeCoinApi } from '../support/fake-coinapi';
import { startService, type RunningService } from '../support/in-process-service';
import { eventually } from '../support/wait';

const KEY = 'scheduling-test-key';

type Rate = { asset_id_base: string; asset_id_quote: string; rate: unknown };

const pairsOf = (...pairs: string[]): Config['ratePairs'] =>
  pairs.map((p) => {
    const [base = '', quote = ''] = p.split('/');
    return { base, quote };
  });

describe('CoinApiRateSource scheduling and publishing', () => {
  let fake: FakeCoinApi;
  let service: RunningService | undefined;
  let client: RecordingEventSource | undefined;

  beforeEach(async () => (fake = await FakeCoinApi.start(KEY)));
  afterEach(async () => {
    client?.close();
    client = undefined;
    await service?.stop();
    service = undefined;
    await fake.close();
  });

  const start = async (overrides: Partial<Config>, heartbeatMs?: number): Promise<RecordingEventSource> => {
    const config = { rateSource: 'coinapi', coinApiKey: KEY, coinApiUrl: fake.url, ...overrides } as const;
    service = await startService(config, (c) => {
      if (heartbeatMs === undefined) return;
      c.rebindSync(TOKENS.RateSource).toDynamicValue((ctx) => {
        const clock = ctx.get(TOKENS.Clock);
        const parts = { logger: ctx.get(TOKENS.Logger), metrics: ctx.get(Metrics), clock };
        const settings = {
          url: fake.url,
          key: KEY,
          pairs: config.ratePairs ?? [],
          intervalMs: config.rateIntervalMs ?? 0,
        };
        return new DedupingRateSource(new CoinApiRateSource(settings, parts), heartbeatMs, clock);
      });
    });
    client = new RecordingEventSource(`${service.url}/api/v1/sso/stream?topic=rates.*`);
    await client.waitOpen();
    return client;
  };

  const ratesOf = (es: RecordingEventSource, base: string): Rate[] =>
    es.received.map((r) => JSON.parse(r.data) as Rate).filter((d) => d.asset_id_base === base);

  /** Waits until `ms` have passed since `from` (a counting window, not a correctness sleep). */
  const windowEnd = (from: number, ms: number): Promise<void> =>
    fake.waitFor(() => Date.now() >= from + ms, ms + 1_000);

  /** The rate source's scheduled wait before its next poll, as /metrics shows it. */
  const pollDelaySeconds = async (): Promise<number> => {
    const metrics = await (await fetch(`${service!.url}/metrics`)).text();
    return Number(/^sse_rate_poll_delay_seconds (\S+)$/m.exec(metrics)?.[1]);
  };

  it('never overlaps requests when answers are slower than the interval, and still delivers every pair', async () => {
    fake.rates.set('SOL/USD', 130.5);
    // 3 bases, 120 ms per answer: a poll takes ~360 ms against a 200 ms interval (timeout 160 ms)
    fake.script = () => ({ delayMs: 120 });
    const es = await start({ rateIntervalMs: 200, ratePairs: pairsOf('BTC/USD', 'ETH/USD', 'SOL/USD') });
    const from = Date.now();
    await es.waitFor(() => ['BTC', 'ETH', 'SOL'].every((base) => ratesOf(es, base).length > 0), 10_000);
    await fake.waitFor(
      (requests) => requests.filter((r) => r.at >= from && r.endedAt !== undefined).length >= 9,
      10_000,
    );
    const to = Date.now();
    expect(fake.maxInFlight).to.equal(1);
    const answered = fake.requests.filter((r) => r.endedAt !== undefined);
    for (let i = 1; i < answered.length; i += 1) {
      expect(answered[i]!.at, `request ${i} started before ${i - 1} ended`).to.be.at.least(answered[i - 1]!.endedAt!);
    }
    // One at a time, each answered after 120 ms: at most one start per ~120 ms however slow the machine is
    // (100 ms here, for timer rounding); stacked polls would have sent 3 every 200 ms.
    expect(fake.countBetween(from, to)).to.be.at.most(Math.floor((to - from) / 100) + 1);
    expect(fake.requests.every((r) => r.status === undefined || r.status === 200)).to.equal(true);
  });

  it('does not re-publish an unchanged rate within the heartbeat window, and publishes a change at once', async () => {
    const es = await start({ rateIntervalMs: 100, ratePairs: pairsOf('BTC/USD', 'ETH/USD') });
    await es.waitFor(() => ratesOf(es, 'BTC').length > 0 && ratesOf(es, 'ETH').length > 0);
    const from = Date.now();
    await fake.waitFor(() => fake.countBetween(from, Infinity) >= 20, 10_000);
    expect(ratesOf(es, 'BTC')).to.have.length(1);
    expect(ratesOf(es, 'ETH')).to.have.length(1);
    fake.rates.set('BTC/USD', 88_888.8);
    await es.waitFor(() => ratesOf(es, 'BTC').length === 2);
    expect(ratesOf(es, 'BTC')[1]?.rate).to.equal(88_888.8);
    expect(ratesOf(es, 'ETH')).to.have.length(1);
  });

  it('re-publishes an unchanged rate once per heartbeat', async () => {
    const es = await start({ rateIntervalMs: 100, ratePairs: pairsOf('BTC/USD') }, 500);
    await es.waitFor(() => ratesOf(es, 'BTC').length > 0);
    const before = ratesOf(es, 'BTC').length;
    const from = Date.now();
    // Not none: the unchanged rate keeps coming back...
    await es.waitFor(() => ratesOf(es, 'BTC').length - before >= 3, 10_000);
    const elapsed = Date.now() - from;
    // ...at most once per 500 ms heartbeat (+1 that may have been on its way at `from`), not once per 100 ms poll,
    // which would have brought the 3 within ~300 ms.
    const repeats = ratesOf(es, 'BTC').length - before;
    expect(repeats, `repeats in ${elapsed} ms`).to.be.at.most(Math.floor(elapsed / 500) + 2);
    expect(new Set(ratesOf(es, 'BTC').map((r) => r.rate))).to.deep.equal(new Set([87_000.1]));
  });

  it('slows down before the quota runs out: the remaining requests are spread until the reset', async () => {
    // 4 requests left, whole again in 4 s: one request per second at most, whatever the interval
    fake.script = () => ({
      headers: { 'X-RateLimit-Remaining': '4', 'X-RateLimit-Reset': new Date(Date.now() + 4_000).toISOString() },
    });
    const es = await start({ rateIntervalMs: 100, ratePairs: pairsOf('BTC/USD') });
    await es.waitFor(() => ratesOf(es, 'BTC').length > 0);
    const from = Date.now();
    await windowEnd(from, 2_000);
    // Paced at one per second: at most 3 starts in 2 s (at the 100 ms interval there would be ~20), yet still polling.
    expect(fake.countBetween(from, from + 2_000)).to.be.at.most(3);
    await fake.waitFor(() => fake.countBetween(from, Infinity) >= 2, 10_000);
    const metrics = await (await fetch(`${service!.url}/metrics`)).text();
    expect(metrics).to.match(/^sse_rate_quota_remaining 4$/m);
    // The gauge shows the quota's spacing, not the 100 ms interval (it is the spacing minus the poll's own time,
    // so it is waited for rather than read once), and never more than the 1 s the quota asks for.
    let delay = 0;
    await eventually(async () => (delay = await pollDelaySeconds()) > 0.1, 'a poll delay longer than the interval');
    expect(delay).to.be.at.most(1);
    expect((await fetch(`${service!.url}/readyz`)).status).to.equal(200);
  });
});
