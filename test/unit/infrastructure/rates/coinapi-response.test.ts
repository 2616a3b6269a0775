import { expect } from 'chai';
import { readQuotes as readWith } from '../../../../src/infrastructure/rates/coinapi-response';
import { KeyMask } from '../../../../src/infrastructure/rates/key-mask';

const KEY = 'response-test-key-9f8e7d6c';
const readQuotes = (request: Parameters<typeof readWith>[0], body: unknown) =>
  readWith(request, body, new KeyMask(KEY));

const TIME = '2017-08-09T14:31:18.3150000Z';
const single = { base: 'BTC', quotes: ['USD'], path: '/v1/exchangerate/BTC/USD' };
const multi = { base: 'BTC', quotes: ['USD', 'EUR'], path: '/v1/exchangerate/BTC?filter_asset_id=USD;EUR' };
const singleAnswer = (overrides: Record<string, unknown> = {}) => ({
  time: TIME,
  asset_id_base: 'BTC',
  asset_id_quote: 'USD',
  rate: 3260.35143212,
  ...overrides,
});
const multiAnswer = (...rates: Record<string, unknown>[]) => ({ asset_id_base: 'BTC', rates });

describe('readQuotes', () => {
  it('reads the single-rate shape into a coinapi quote, keeping CoinAPI time as stamped', () => {
    expect(readQuotes(single, singleAnswer())).to.deep.equal({
      ok: true,
      value: {
        quotes: [{ base: 'BTC', quote: 'USD', rate: 3260.35143212, time: TIME, source: 'coinapi' }],
        problems: [],
      },
    });
  });

  it('reads the all-rates shape, keeping only the requested quotes', () => {
    const answer = multiAnswer(
      { time: TIME, asset_id_quote: 'USD', rate: 1 },
      { time: TIME, asset_id_quote: 'CNY', rate: 2 },
      { time: TIME, asset_id_quote: 'EUR', rate: 3 },
    );
    const result = readQuotes(multi, answer);
    expect(result.ok && result.value.quotes.map((q) => [q.quote, q.rate])).to.deep.equal([
      ['USD', 1],
      ['EUR', 3],
    ]);
  });

  it('accepts either shape for either request', () => {
    expect(readQuotes(single, multiAnswer({ time: TIME, asset_id_quote: 'USD', rate: 5 }))).to.nested.include({
      ok: true,
      'value.quotes[0].rate': 5,
    });
    const result = readQuotes(multi, singleAnswer({ rate: 6 }));
    expect(result).to.nested.include({ ok: true, 'value.quotes[0].rate': 6, 'value.problems[0].quote': 'EUR' });
  });

  for (const [label, rate] of [
    ['negative', -5],
    ['zero', 0],
    ['a numeric string', '87000.5'],
    ['null', null],
    ['an object', { value: 1 }],
  ] as const) {
    it(`turns a rate that is ${label} into an invalid-rate problem, not a quote`, () => {
      const result = readQuotes(single, singleAnswer({ rate }));
      expect(result.ok && result.value.quotes).to.deep.equal([]);
      expect(result.ok && result.value.problems.map((p) => [p.quote, p.code])).to.deep.equal([['USD', 'invalid-rate']]);
    });
  }

  it('refuses a time that is not an ISO 8601 date and time, or is missing', () => {
    for (const time of ['yesterday', '', '42', '2025', '2025-13-45T99:99:99Z', 42, undefined]) {
      const result = readQuotes(single, singleAnswer({ time }));
      expect(result.ok && result.value.problems[0]?.code, String(time)).to.equal('invalid-rate');
    }
  });

  it('spoils only the bad entry of an all-rates answer, and reports a missing quote', () => {
    const bad = readQuotes(multi, multiAnswer({ time: TIME, asset_id_quote: 'USD', rate: -1 }));
    expect(bad.ok && bad.value.problems.map((p) => [p.quote, p.code])).to.deep.equal([
      ['USD', 'invalid-rate'],
      ['EUR', 'missing-quote'],
    ]);
    const mixed = readQuotes(
      multi,
      multiAnswer({ time: TIME, asset_id_quote: 'USD', rate: 'x' }, { time: TIME, asset_id_quote: 'EUR', rate: 2 }),
    );
    expect(mixed.ok && mixed.value.quotes.map((q) => q.quote)).to.deep.equal(['EUR']);
    expect(mixed.ok && mixed.value.problems.map((p) => p.quote)).to.deep.equal(['USD']);
  });

  it('refuses a body of neither shape, or about another base, as invalid-response', () => {
    for (const body of [null, 'BTC', [], { rate: 1 }, { asset_id_base: 'BTC', rates: 'none' }, { error: 'x' }]) {
      expect(readQuotes(single, body), JSON.stringify(body)).to.nested.include({
        ok: false,
        'error.code': 'invalid-response',
      });
    }
    expect(readQuotes(single, singleAnswer({ asset_id_base: 'ETH' }))).to.nested.include({
      ok: false,
      'error.code': 'invalid-response',
    });
  });

  it('shows the offending values in the problem detail', () => {
    const result = readQuotes(single, singleAnswer({ rate: -5 }));
    expect(result.ok && result.value.problems[0]?.detail)
      .to.include('rate')
      .and.include('-5');
  });

  it('masks the key, and any 8 characters of it, wherever the answer puts it, before the detail is cut', () => {
    const inTime = readQuotes(single, singleAnswer({ time: `${'x'.repeat(160)}${KEY}` }));
    const inBase = readQuotes(single, singleAnswer({ asset_id_base: KEY.slice(0, 12) }));
    const details = [
      inTime.ok ? inTime.value.problems[0]?.detail : undefined,
      inBase.ok ? undefined : inBase.error.detail,
    ];
    for (const detail of details) {
      expect(detail).to.include('<hidden>');
      for (let at = 0; at + 8 <= KEY.length; at += 1) expect(detail).not.to.include(KEY.slice(at, at + 8));
    }
  });
});
