import { expect } from 'chai';
import { parsePair, pairText, rateData, rateTopic, validateQuote } from '../../../src/domain/rate';
import { quote } from '../../fakes/fake-rate-source';

describe('rate', () => {
  describe('parsePair', () => {
    it('reads BASE/QUOTE, trimmed and upper-cased', () => {
      expect(parsePair(' btc/Usd ')).to.deep.equal({ ok: true, value: { base: 'BTC', quote: 'USD' } });
    });

    for (const raw of ['', 'BTC', 'BTC/', '/USD', 'BTC/USD/EUR', 'BTC-USD', 'B.C/USD', `${'A'.repeat(17)}/USD`]) {
      it(`refuses ${JSON.stringify(raw.slice(0, 20))} as invalid-input`, () => {
        const parsed = parsePair(raw);
        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
      });
    }
  });

  it('names the pair and its topic', () => {
    expect(pairText({ base: 'ETH', quote: 'EUR' })).to.equal('ETH/EUR');
    expect(rateTopic({ base: 'ETH', quote: 'EUR' })).to.equal('rates.ETH-EUR');
  });

  describe('validateQuote', () => {
    it('accepts a finite positive rate with a parseable time', () => {
      const good = quote({ rate: 1e-9 });
      expect(validateQuote(good)).to.deep.equal({ ok: true, value: good });
    });

    it('refuses lower-case or malformed asset ids', () => {
      expect(validateQuote(quote({ base: 'btc' })).ok).to.equal(false);
      expect(validateQuote(quote({ quote: 'US D' })).ok).to.equal(false);
    });
  });

  it("puts a quote in CoinAPI's field names", () => {
    expect(JSON.parse(rateData(quote({ source: 'simulated' })))).to.deep.equal({
      time: '2025-01-02T03:04:05.000Z',
      asset_id_base: 'BTC',
      asset_id_quote: 'USD',
      rate: 87_123.45,
      source: 'simulated',
    });
  });
});
