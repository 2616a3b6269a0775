import { expect } from 'chai';
import { RecordingEventSource } from '../support/event-source-client';
import { FakeCoinApi, type FakeAnswer } from '../support/fake-coinapi';
import { spawnService, type ServiceProcess } from '../support/service-process';

/** Unique enough that finding it anywhere can only mean a leak. */
const SECRET = 'sekret-7f3a9c2e-coinapi-key-0d41';

type Rate = { asset_id_base: string; asset_id_quote: string; rate: unknown; source: string };

describe('the service process with COIN_API_KEY (npm start against a fake CoinAPI)', () => {
  let fake: FakeCoinApi;
  let proc: ServiceProcess;
  let client: RecordingEventSource;

  const rates = (): Rate[] =>
    client.received.map((r) => JSON.parse(r.data) as Partial<Rate>).filter((d): d is Rate => 'rate' in d);

  before(async () => {
    fake = await FakeCoinApi.start(SECRET);
    // RATE_SOURCE left empty: a key alone selects CoinAPI (SPEC.md)
    proc = await spawnService({
      RATE_SOURCE: '',
      COIN_API_KEY: SECRET,
      COINAPI_URL: fake.url,
      RATE_INTERVAL_MS: '100',
      LOG_LEVEL: 'debug',
    });
    client = new RecordingEventSource(`${proc.url}/api/v1/sso/stream?topic=rates.*`);
  });

  after(async () => {
    client.close();
    await proc.stop('SIGKILL');
    await fake.close();
  });

  it('streams rates.BTC-USD and rates.ETH-USD with source coinapi to an EventSource', async () => {
    await client.waitFor(() => new Set(rates().map((r) => r.asset_id_base)).size === 2);
    expect(rates().find((r) => r.asset_id_base === 'BTC')).to.include({ asset_id_quote: 'USD', source: 'coinapi' });
    expect(rates().find((r) => r.asset_id_base === 'ETH')).to.include({ rate: 2_900.3, source: 'coinapi' });
    expect(fake.requests.every((r) => r.headers['x-coinapi-key'] === SECRET)).to.equal(true);
  });

  it('stays up through 500s, timeouts, malformed JSON (echoing the key) and 429s, and recovers each time', async () => {
    const breakages: FakeAnswer[] = [
      { status: 500, body: { error: `internal error for key ${SECRET}` } },
      { delayMs: 500 },
      { raw: `{"error": "${SECRET}` },
      { status: 429, headers: { 'Retry-After': '0' }, body: { error: `too many requests for ${SECRET}` } },
    ];
    for (const [index, answer] of breakages.entries()) {
      const seen = fake.requests.length;
      fake.script = () => answer;
      await fake.waitFor((requests) => requests.length >= seen + 2, 10_000);
      fake.script = undefined;
      const rate = 10_000 + index;
      fake.rates.set('BTC/USD', rate);
      await client.waitFor(() => rates().some((r) => r.rate === rate), 10_000);
    }
    expect(proc.child.exitCode).to.equal(null);
    expect((await fetch(`${proc.url}/healthz`)).status).to.equal(200);
    expect(proc.output()).to.match(/"msg":"CoinAPI request failed; backing off"/);
    expect(proc.output()).to.include('<hidden>');
  });

  it('logs one "key rejected" line on 401 and keeps running, its streams still ready', async () => {
    const from = proc.output().length;
    fake.script = () => ({ status: 401, body: { error: `Invalid API key: ${SECRET}` } });
    await client.waitFor(() => /key rejected/.test(proc.output().slice(from)), 5_000);
    // ROLE=all: /readyz follows the bus (SPEC.md); only a fetcher's /readyz reports the key.
    const ready = await fetch(`${proc.url}/readyz`);
    expect(ready.status).to.equal(200);
    const metrics = await (await fetch(`${proc.url}/metrics`)).text();
    expect(metrics).to.match(/sse_rate_fetch_errors_total\{reason="key-rejected"\} [1-9]/);
    expect(metrics).not.to.include(SECRET);
    const lines = proc.output().slice(from).split('\n');
    expect(lines.filter((l) => /"level":"error".*key rejected/.test(l))).to.have.length(1);
    expect(proc.child.exitCode).to.equal(null);
  });

  it('never shows the key in its output, /metrics, /readyz or the stream', async () => {
    expect(proc.output().length, 'the process did log').to.be.greaterThan(1_000);
    expect(proc.output()).not.to.include(SECRET);
    expect(await (await fetch(`${proc.url}/metrics`)).text()).not.to.include(SECRET);
    expect(await (await fetch(`${proc.url}/readyz`)).text()).not.to.include(SECRET);
    expect(client.received.map((r) => r.data).join('\n')).not.to.include(SECRET);
  });
});
