import { expect } from 'chai';
import v8 from 'node:v8';
import vm from 'node:vm';
import pino from 'pino';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { CoinApiRateSource } from '../../src/infrastructure/rates/coinapi-rate-source';
import { DedupingRateSource, RATE_HEARTBEAT_MS } from '../../src/infrastructure/rates/deduping-rate-source';
import { TOKENS } from '../../src/tokens';
import { FakeCoinApi, type FakeAnswer, type RecordedRequest } from '../support/fake-coinapi';
import { startService, type RunningService } from '../support/in-process-service';
import { eventually } from '../support/wait';

const KEY = 'misbehaviour-key-5e1f0c2a9b7d4e63';
/** The deadline is 80 % of it: 160 ms. */
const INTERVAL_MS = 200;
const HUGE_BYTES = 50_000_000;

type LogLine = { level: string; msg: string; reason?: string; detail?: string };

/** Every run of 8 characters of the key, lower-cased: none may show anywhere. */
const FRAGMENTS = Array.from({ length: KEY.length - 7 }, (_, at) => KEY.slice(at, at + 8).toLowerCase());
const leaks = (text: string): string[] => FRAGMENTS.filter((f) => text.toLowerCase().includes(f));

/**
 * Runs the garbage collector every 50 ms while a misbehaviour is served: a
 * deadline kept by a signal nobody holds (AbortSignal.timeout) is collected
 * and never fires, which is the bug these tests exist for.
 */
function collectGarbageMeanwhile(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const timer = setInterval(gc, 50);
  return () => clearInterval(timer);
}

/**
 * A ROLE=fetcher service (its /readyz answers for its rates) polling BTC/USD
 * every 200 ms from a fake CoinAPI over real sockets, its logs captured. Each
 * test makes the fake misbehave, checks what the service counts, logs and
 * reports, then heals the fake and waits until the service is ready again.
 */
describe('CoinApiRateSource against a CoinAPI that misbehaves', () => {
  let fake: FakeCoinApi;
  let service: RunningService;
  const logLines: LogLine[] = [];
  let logText = '';
  let nextRate = 60_000;

  before(async () => {
    fake = await FakeCoinApi.start(KEY);
    const logger = pino(
      { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
      {
        write: (line: string) => {
          logText += line;
          logLines.push(JSON.parse(line) as LogLine);
        },
      },
    );
    const config = { role: 'fetcher', rateSource: 'coinapi', coinApiKey: KEY, coinApiUrl: fake.url } as const;
    service = await startService(config, (c) => {
      c.rebindSync(TOKENS.RateSource).toDynamicValue((ctx) => {
        const clock = ctx.get(TOKENS.Clock);
        const settings = { url: fake.url, key: KEY, pairs: [{ base: 'BTC', quote: 'USD' }], intervalMs: INTERVAL_MS };
        const tunables = { maxBackoffMs: 400, keyRejectedRetryMs: 400, unreadyAfter: 2 };
        const parts = { logger, metrics: ctx.get(Metrics), clock };
        return new DedupingRateSource(
          new CoinApiRateSource({ ...settings, ...tunables }, parts),
          RATE_HEARTBEAT_MS,
          clock,
        );
      });
    });
    await eventually(async () => (await readyz()).status === 200, 'the fetcher to be ready');
  });

  after(async () => {
    await service.stop();
    await fake.close();
  });

  async function readyz(): Promise<{ status: number; text: string }> {
    const response = await fetch(`${service.url}/readyz`);
    return { status: response.status, text: await response.text() };
  }

  async function metric(series: string): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const escaped = series.replace(/[{}]/g, '\\$&');
    return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  }

  /**
   * Serves `answer` until `reason` has been counted twice more (the second proves the poll after the first
   * came back and the loop went on); returns the requests made meanwhile and the log lines written.
   */
  async function misbehave(
    answer: FakeAnswer,
    reason: string,
  ): Promise<{ requests: RecordedRequest[]; logs: LogLine[] }> {
    const series = `sse_rate_fetch_errors_total{reason="${reason}"}`;
    const before = await metric(series);
    const [firstRequest, firstLog] = [fake.requests.length, logLines.length];
    const stopCollecting = collectGarbageMeanwhile();
    try {
      fake.script = () => answer;
      // Generous: each try streams megabytes through the fake while the garbage collector runs.
      await eventually(async () => (await metric(series)) >= before + 2, `${series} to count two more`, 15_000);
    } finally {
      stopCollecting();
    }
    return { requests: fake.requests.slice(firstRequest), logs: logLines.slice(firstLog) };
  }

  /** Heals the fake with a new rate and waits for the fetcher to be ready again. */
  async function heal(): Promise<void> {
    nextRate += 1;
    fake.script = undefined;
    fake.rates.set('BTC/USD', nextRate);
    await eventually(async () => (await readyz()).status === 200, 'the fetcher to be ready again');
  }

  /** The shared checks of a request that went past its deadline. */
  async function expectTimeouts(answer: FakeAnswer): Promise<void> {
    const { requests, logs } = await misbehave(answer, 'timeout');
    const failed = logs.filter((l) => l.level === 'warn' && l.reason === 'timeout');
    expect(failed, 'one warn line for the incident').to.have.length(1);
    expect(failed[0]?.msg).to.equal('CoinAPI request failed; backing off');
    await eventually(() => requests.slice(0, 2).every((r) => r.endedAt !== undefined), 'the fetcher to hang up');
    expect(await readyz()).to.deep.equal({
      status: 503,
      text: JSON.stringify({ success: false, code: 503, message: 'rates-timeout' }),
    });
    await heal();
  }

  it('gives up at the deadline on headers that never come, counts a timeout, logs once and polls again', async () => {
    await expectTimeouts({ misbehave: { kind: 'no-headers' } });
  });

  it('gives up at the deadline on a body that trickles', async () => {
    // About 100 bytes at one every 20 ms: two seconds, where the deadline is 160 ms.
    await expectTimeouts({ misbehave: { kind: 'trickle', everyMs: 20 } });
  });

  it('gives up at the deadline on a body that never ends', async () => {
    await expectTimeouts({ misbehave: { kind: 'endless', everyMs: 20 } });
  });

  for (const contentLength of [true, false]) {
    it(`refuses a 50 MB answer ${contentLength ? 'by its Content-Length' : 'streamed without Content-Length'}, never reading it whole`, async () => {
      const { requests, logs } = await misbehave(
        { misbehave: { kind: 'huge', bytes: HUGE_BYTES, contentLength } },
        'too-large',
      );
      await eventually(() => requests.slice(0, 2).every((r) => r.endedAt !== undefined), 'the fetcher to hang up');
      for (const request of requests.slice(0, 2)) expect(request.bytesSent).to.be.below(HUGE_BYTES / 2);
      expect(logs.filter((l) => l.level === 'warn' && l.reason === 'too-large')).to.have.length(1);
      expect((await readyz()).text).to.include('"message":"rates-too-large"');
      await heal();
    });
  }

  it('masks the key and any fragment of it that an answer echoes, in logs, /readyz and /metrics', async () => {
    const from = logText.length;
    const echoes: [FakeAnswer, string][] = [
      [{ status: 500, echoKey: (key) => JSON.stringify({ error: `internal error for ${key}` }) }, 'http-5xx'],
      [{ status: 401, echoKey: (key) => JSON.stringify({ error: `unknown key ${key.slice(0, 17)}` }) }, 'key-rejected'],
      [{ status: 200, echoKey: (key) => `{"asset_id_base": "BTC", "k": "${key.slice(0, 12)}` }, 'malformed-json'],
      [{ status: 503, echoKey: (key) => `${'x'.repeat(190)}${key}` }, 'http-5xx'],
      [{ status: 429, echoKey: (key) => JSON.stringify({ error: key.toUpperCase().slice(9) }) }, 'throttled'],
    ];
    for (const [answer, reason] of echoes) {
      await misbehave(answer, reason);
      if (reason === 'key-rejected') expect((await readyz()).text).to.include('"message":"rates-key-rejected"');
      expect(leaks((await readyz()).text), `/readyz during ${reason}`).to.deep.equal([]);
      await heal();
    }
    const logged = logText.slice(from);
    expect(logged).to.include('<hidden>');
    expect(leaks(logged), 'fragments of the key in the log').to.deep.equal([]);
    expect(leaks(await (await fetch(`${service.url}/metrics`)).text())).to.deep.equal([]);
  });
});
