import { expect } from 'chai';
import pino from 'pino';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { CoinApiRateSource } from '../../src/infrastructure/rates/coinapi-rate-source';
import { TOKENS } from '../../src/tokens';
import { FixedClock } from '../fakes/fixed-clock';
import { FakeCoinApi } from '../support/fake-coinapi';
import { startService, type RunningService } from '../support/in-process-service';
import { eventually } from '../support/wait';

const KEY = 'readiness-key-0b9d77e1c4f2';
const INTERVAL_MS = 3_000;
/** 80 % of the interval: long enough that the stuck request is still open when the clock is moved. */
const DEADLINE_MS = 2_400;
const STALL_MS = 3 * INTERVAL_MS + DEADLINE_MS;

/**
 * The watchdog of a ROLE=fetcher over real sockets: the fake CoinAPI never
 * answers the first request, and the rate source's clock (not its timers)
 * is a fake the test moves, so "no poll has finished for three intervals plus
 * the deadline" comes without waiting for it.
 */
describe('CoinApiRateSource readiness of a fetcher (/readyz)', () => {
  let fake: FakeCoinApi;
  let service: RunningService;
  const clock = new FixedClock();

  before(async () => {
    fake = await FakeCoinApi.start(KEY);
    fake.script = () => ({ misbehave: { kind: 'no-headers' } });
    const config = { role: 'fetcher', rateSource: 'coinapi', coinApiKey: KEY, coinApiUrl: fake.url } as const;
    service = await startService(config, (c) => {
      c.rebindSync(TOKENS.RateSource).toDynamicValue((ctx) => {
        const settings = { url: fake.url, key: KEY, pairs: [{ base: 'BTC', quote: 'USD' }], intervalMs: INTERVAL_MS };
        const parts = { logger: pino({ level: 'silent' }), metrics: ctx.get(Metrics), clock };
        return new CoinApiRateSource(settings, parts);
      });
    });
  });

  after(async () => {
    await service.stop();
    await fake.close();
  });

  async function readyz(): Promise<{ status: number; message: unknown }> {
    const response = await fetch(`${service.url}/readyz`);
    return { status: response.status, message: ((await response.json()) as { message?: unknown }).message };
  }

  it('says rates-no-answer-yet, then rates-stalled while the request hangs, then why the poll failed', async () => {
    await eventually(() => fake.inFlight === 1, 'the first request to hang');
    expect(await readyz()).to.deep.equal({ status: 503, message: 'rates-no-answer-yet' });
    clock.advance(STALL_MS);
    expect(await readyz(), 'at the limit').to.deep.equal({ status: 503, message: 'rates-no-answer-yet' });
    clock.advance(1);
    expect(await readyz()).to.deep.equal({ status: 503, message: 'rates-stalled' });
    expect(fake.inFlight, 'the poll is still inside its request').to.equal(1);
    // The deadline (real time) ends the request; a finished poll ends the stall, and /readyz says why it failed.
    await eventually(async () => (await readyz()).message === 'rates-timeout', 'the poll to finish', 10_000);
    expect(fake.requests[0]?.endedAt).not.to.equal(undefined);
  });
});
