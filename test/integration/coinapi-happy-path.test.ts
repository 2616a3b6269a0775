import { expect } from 'chai';
import { RecordingEventSource, type Received } from '../support/event-source-client';
import { FakeCoinApi } from '../support/fake-coinapi';
import { startService, type RunningService } from '../support/in-process-service';

const KEY = 'happy-path-key';

interface RateData {
  readonly time: string;
  readonly asset_id_base: string;
  readonly asset_id_quote: string;
  readonly rate: unknown;
  readonly source: string;
}

const rateEvents = (received: Received[]): RateData[] =>
  received.map((r) => JSON.parse(r.data) as RateData).filter((d) => 'asset_id_base' in d);

const pairsSeen = (received: Received[]): string[] =>
  [...new Set(rateEvents(received).map((d) => `${d.asset_id_base}/${d.asset_id_quote}`))].sort();

describe('CoinApiRateSource against a fake CoinAPI (happy path)', () => {
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

  const start = async (pairs: string[]): Promise<RecordingEventSource> => {
    service = await startService({
      rateSource: 'coinapi',
      coinApiKey: KEY,
      coinApiUrl: fake.url,
      rateIntervalMs: 100,
      ratePairs: pairs.map((p) => {
        const [base = '', quote = ''] = p.split('/');
        return { base, quote };
      }),
    });
    client = new RecordingEventSource(`${service.url}/api/v1/sso/stream?topic=rates.*`);
    await client.waitOpen();
    return client;
  };

  it('asks the single-rate endpoint once per pair of different bases and streams rates.<BASE>-<QUOTE> events', async () => {
    const es = await start(['BTC/USD', 'ETH/USD']);
    await es.waitFor((r) => pairsSeen(r).length === 2);
    const paths = new Set(fake.requests.map((r) => r.url));
    expect([...paths].sort()).to.deep.equal(['/v1/exchangerate/BTC/USD', '/v1/exchangerate/ETH/USD']);
    const btc = rateEvents(es.received).find((d) => d.asset_id_base === 'BTC');
    expect(btc).to.deep.include({ asset_id_quote: 'USD', rate: 87_000.1, source: 'coinapi' });
    expect(btc?.time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const eth = rateEvents(es.received).find((d) => d.asset_id_base === 'ETH');
    expect(eth).to.deep.include({ asset_id_quote: 'USD', rate: 2_900.3, source: 'coinapi' });
  });

  it('asks once per base with filter_asset_id when pairs share a base, and streams every pair', async () => {
    const es = await start(['BTC/USD', 'BTC/EUR', 'ETH/USD']);
    await es.waitFor((r) => pairsSeen(r).length === 3);
    expect(pairsSeen(es.received)).to.deep.equal(['BTC/EUR', 'BTC/USD', 'ETH/USD']);
    const paths = new Set(fake.requests.map((r) => r.url));
    expect([...paths].sort()).to.deep.equal([
      '/v1/exchangerate/BTC?filter_asset_id=USD;EUR',
      '/v1/exchangerate/ETH/USD',
    ]);
    const eur = rateEvents(es.received).find((d) => d.asset_id_quote === 'EUR');
    expect(eur).to.deep.include({ asset_id_base: 'BTC', rate: 75_000.2, source: 'coinapi' });
  });

  it('sends the key only in the X-CoinAPI-Key header', async () => {
    await start(['BTC/USD']);
    await fake.waitFor((requests) => requests.length >= 2);
    for (const request of fake.requests) {
      expect(request.headers['x-coinapi-key']).to.equal(KEY);
      expect(request.url).not.to.include(KEY);
      expect(request.headers.authorization).to.equal(undefined);
    }
  });

  it('polls once per interval, reports ready, and exposes fetches, quota and last success in /metrics', async () => {
    const es = await start(['BTC/USD', 'ETH/USD']);
    await es.waitFor((r) => pairsSeen(r).length === 2);
    const from = Date.now();
    // 100 ms interval: 2 requests per poll keep coming, and never more than 10 polls' worth a second (no stacking)
    await fake.waitFor(() => fake.countBetween(from, Infinity) >= 12, 10_000);
    await fake.waitFor(() => Date.now() >= from + 1_000, 3_000);
    expect(fake.countBetween(from, from + 1_000)).to.be.at.most(24);
    expect((await fetch(`${service!.url}/readyz`)).status).to.equal(200);
    const metrics = await (await fetch(`${service!.url}/metrics`)).text();
    // Once per interval, not slower: the next poll is scheduled at most one interval after the last one started.
    const delay = Number(/^sse_rate_poll_delay_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(delay).to.be.at.least(0).and.at.most(0.1);
    expect(metrics).to.match(/^sse_rate_fetches_total\{outcome="ok"\} [1-9]\d*$/m);
    expect(metrics).to.match(/^sse_rate_last_success_timestamp_seconds\{pair="BTC\/USD"\} \d+(\.\d+)?$/m);
    expect(metrics).to.match(/^sse_rate_last_success_timestamp_seconds\{pair="ETH\/USD"\} /m);
    const remaining = /^sse_rate_quota_remaining (\d+)$/m.exec(metrics)?.[1];
    expect(Number(remaining)).to.be.within(fake.quota!.remaining, 999_000_000);
    expect(metrics).to.match(/^sse_rate_quota_limit 1000000000$/m);
    expect(metrics).not.to.include(KEY);
  });
});
