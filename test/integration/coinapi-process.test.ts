import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { RecordingEventSource } from '../support/event-source-client';
import { FakeCoinApi, type FakeAnswer } from '../support/fake-coinapi';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';

/** Unique enough that finding it anywhere can only mean a leak. */
const SECRET = 'sekret-7f3a9c2e-coinapi-key-0d41';

type Rate = { asset_id_base: string; asset_id_quote: string; rate: unknown; source: string };

/** Every run of 8 characters of the key, lower-cased: none may show anywhere. */
const FRAGMENTS = Array.from({ length: SECRET.length - 7 }, (_, at) => SECRET.slice(at, at + 8).toLowerCase());
const leaks = (text: string): string[] => FRAGMENTS.filter((f) => text.toLowerCase().includes(f));

const HUGE_BYTES = 50_000_000;
const MIB = 1_048_576;

/** The resident set of process `pid` in bytes (Linux). */
function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

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
      { status: 500, body: { error: `key starts ${SECRET.slice(0, 16)}` } },
      { delayMs: 500 },
      { raw: `{"error": "${SECRET}` },
      { status: 502, raw: `${'x'.repeat(190)}${SECRET}` },
      { raw: `{"error": "${SECRET.slice(0, 11)}` },
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

  it('never shows the key, nor any 8 characters of it, in its output, /metrics, /readyz or the stream', async () => {
    expect(proc.output().length, 'the process did log').to.be.greaterThan(1_000);
    expect(leaks(proc.output())).to.deep.equal([]);
    expect(leaks(await (await fetch(`${proc.url}/metrics`)).text())).to.deep.equal([]);
    expect(leaks(await (await fetch(`${proc.url}/readyz`)).text())).to.deep.equal([]);
    expect(leaks(client.received.map((r) => r.data).join('\n'))).to.deep.equal([]);
  });
});

/**
 * Memory while CoinAPI sends 50 MB answers: one with Content-Length, one
 * streamed without. The interval is long (the deadline 4 s), so a client that
 * read bodies whole would have all the time it needs to buffer them.
 */
describe('the service process against 50 MB CoinAPI answers', () => {
  let fake: FakeCoinApi;
  let proc: ServiceProcess;

  before(async () => {
    fake = await FakeCoinApi.start(SECRET);
    proc = await spawnService({
      RATE_SOURCE: 'coinapi',
      COIN_API_KEY: SECRET,
      COINAPI_URL: fake.url,
      RATE_INTERVAL_MS: '5000',
    });
  });

  after(async () => {
    await proc.stop('SIGKILL');
    await fake.close();
  });

  async function tooLarge(): Promise<number> {
    const metrics = await (await fetch(`${proc.url}/metrics`)).text();
    return Number(/^sse_rate_fetch_errors_total\{reason="too-large"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
  }

  it('refuses them without reading them whole, its RSS bounded', async () => {
    const pid = proc.child.pid!;
    await eventually(() => fake.requests.filter((r) => r.endedAt !== undefined).length >= 2, 'the first poll');
    // Before: the peak over 20 samples of the process at rest between polls.
    let before = 0;
    let samples = 0;
    await eventually(() => ((before = Math.max(before, rssOf(pid))), (samples += 1) >= 20), '20 samples');
    let during = 0;
    const sampler = setInterval(() => (during = Math.max(during, rssOf(pid))), 10);
    let answers = 0;
    fake.script = () => ({ misbehave: { kind: 'huge', bytes: HUGE_BYTES, contentLength: answers++ % 2 === 0 } });
    try {
      await eventually(async () => (await tooLarge()) >= 2, 'both answers of the next poll refused', 15_000);
      await eventually(() => fake.requests.slice(2).every((r) => r.endedAt !== undefined), 'both answers dropped');
    } finally {
      clearInterval(sampler);
    }
    console.log(
      `      RSS before ${(before / MIB).toFixed(1)} MiB, during 50 MB answers ${(during / MIB).toFixed(1)} MiB`,
    );
    expect(during - before, 'RSS growth while refusing 50 MB answers').to.be.below(32 * MIB);
    for (const request of fake.requests.slice(2)) expect(request.bytesSent).to.be.below(HUGE_BYTES / 2);
  });
});
