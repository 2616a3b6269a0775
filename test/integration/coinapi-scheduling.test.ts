import { expect } from 'chai';
import type { Config } from '../../src/infrastructure/config/config';
import { CoinApiRateSource } from '../../src/infrastructure/rates/coinapi-rate-source';
import { DedupingRateSource } from '../../src/infrastructure/rates/deduping-rate-source';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { TOKENS } from '../../src/infrastructure/tokens';
import { RecordingEventSource } from '../support/event-source-client';
import { FakeCoinApi } from '../support/fake-coinapi';
import { startService, type RunningService } from '../support/in-process-service';

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

  it('never overlaps requests when answers are slower than the interval, and still delivers every pair', async () => {
    fake.rates.set('SOL/USD', 130.5);
    // 3 bases, 120 ms per answer: a poll takes ~360 ms against a 200 ms interval (timeout 160 ms)
    fake.script = () => ({ delayMs: 120 });
    const es = await start({ rateIntervalMs: 200, ratePairs: pairsOf('BTC/USD', 'ETH/USD', 'SOL/USD') });
    const from = Date.now();
    await windowEnd(from, 1_500);
    expect(fake.maxInFlight).to.equal(1);
    const answered = fake.requests.filter((r) => r.endedAt !== undefined);
    for (let i = 1; i < answered.length; i += 1) {
      expect(answered[i]!.at, `request ${i} started before ${i - 1} ended`).to.be.at.least(answered[i - 1]!.endedAt!);
    }
    // one at a time: at most 1500/120 + 1; stacked polls would have sent 3 every 200 ms (~22)
    expect(fake.countBetween(from, from + 1_500)).to.be.within(1, 13);
    expect(fake.requests.every((r) => r.status === undefined || r.status === 200)).to.equal(true);
    for (const base of ['BTC', 'ETH', 'SOL']) expect(ratesOf(es, base), base).to.have.length.greaterThan(0);
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
    await windowEnd(from, 2_000);
    // ~20 polls of the same rate in 2 s: one event per 500 ms, not one per poll, and not none
    const repeats = ratesOf(es, 'BTC').length - before;
    expect(repeats, 'one per heartbeat at most, not one per poll, and not none').to.be.within(1, 5);
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
    expect(fake.countBetween(from, from + 2_000)).to.be.within(1, 3);
    const metrics = await (await fetch(`${service!.url}/metrics`)).text();
    expect(metrics).to.match(/^sse_rate_quota_remaining 4$/m);
    const delay = Number(/^sse_rate_poll_delay_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(delay).to.be.within(0.5, 1);
    expect((await fetch(`${service!.url}/readyz`)).status).to.equal(200);
  });
});
