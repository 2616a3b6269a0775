import { expect } from 'chai';
import { IngestRate } from '../../../src/application/ingest-rate.use-case';
import { quote } from '../../fakes/fake-rate-source';
import { FIXED_NOW } from '../../fakes/fixed-clock';
import { BUS_DOWN } from '../../fakes/recording-event-bus';
import { sequenceId } from '../../fakes/sequence-id-generator';
import { wireWithFakes, type Wired } from './wire-with-fakes';

describe('IngestRate', () => {
  let wired: Wired;
  let ingest: IngestRate;

  beforeEach(() => {
    wired = wireWithFakes();
    ingest = wired.container.get(IngestRate);
  });

  it('publishes a quote on rates.<BASE>-<QUOTE> with the CoinAPI data shape', async () => {
    const outcome = await ingest.execute(quote({ rate: 87_000.5, source: 'simulated' }));
    expect(outcome).to.deep.equal({ ok: true, value: { id: sequenceId(1) } });
    expect(wired.bus.published).to.deep.equal([
      {
        id: sequenceId(1),
        topic: 'rates.BTC-USD',
        data: JSON.stringify({
          time: '2025-01-02T03:04:05.000Z',
          asset_id_base: 'BTC',
          asset_id_quote: 'USD',
          rate: 87_000.5,
          source: 'simulated',
        }),
        publishedAt: FIXED_NOW,
        private: false,
      },
    ]);
  });

  it('sets no event name, so EventSource.onmessage sees rates', async () => {
    await ingest.execute(quote());
    expect(wired.bus.published[0]?.name).to.equal(undefined);
  });

  it('names the topic after the pair of the quote', async () => {
    await ingest.execute(quote({ base: 'ETH', quote: 'BTC', rate: 0.033 }));
    expect(wired.bus.published[0]?.topic).to.equal('rates.ETH-BTC');
  });

  const badRates: [string, unknown][] = [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['0', 0],
    ['-0', -0],
    ['-1', -1],
    ['the string "1"', '1'],
  ];
  for (const [label, rate] of badRates) {
    it(`refuses the rate ${label} as invalid-input and publishes nothing`, async () => {
      const outcome = await ingest.execute(quote({ rate: rate as number }));
      expect(outcome.ok).to.equal(false);
      if (!outcome.ok) expect(outcome.error.code).to.equal('invalid-input');
      expect(wired.bus.attempts).to.deep.equal([]);
    });
  }

  for (const time of ['', 'yesterday', '2025-13-45T99:00:00Z']) {
    it(`refuses the time ${JSON.stringify(time)} as invalid-input and publishes nothing`, async () => {
      const outcome = await ingest.execute(quote({ time }));
      expect(outcome.ok).to.equal(false);
      if (!outcome.ok) expect(outcome.error.code).to.equal('invalid-input');
      expect(wired.bus.attempts).to.deep.equal([]);
    });
  }

  it('refuses asset ids that would make an invalid topic', async () => {
    const outcome = await ingest.execute(quote({ base: 'B TC' }));
    expect(outcome.ok).to.equal(false);
    expect(wired.bus.attempts).to.deep.equal([]);
  });

  it('passes bus-unavailable through', async () => {
    wired.bus.mode = 'unavailable';
    expect(await ingest.execute(quote())).to.deep.equal({ ok: false, error: BUS_DOWN });
    expect(wired.bus.published).to.deep.equal([]);
  });
});
