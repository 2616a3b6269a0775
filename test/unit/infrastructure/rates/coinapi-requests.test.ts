import { expect } from 'chai';
import { planRequests } from '../../../../src/infrastructure/rates/coinapi-requests';

const pairs = (...texts: string[]) =>
  texts.map((t) => {
    const [base = '', quote = ''] = t.split('/');
    return { base, quote };
  });

describe('planRequests', () => {
  it('uses the single-rate endpoint for a base with one quote', () => {
    expect(planRequests(pairs('BTC/USD', 'ETH/USD'))).to.deep.equal([
      { base: 'BTC', quotes: ['USD'], path: '/v1/exchangerate/BTC/USD' },
      { base: 'ETH', quotes: ['USD'], path: '/v1/exchangerate/ETH/USD' },
    ]);
  });

  it('asks once per base with filter_asset_id when pairs share a base, in configured order', () => {
    expect(planRequests(pairs('BTC/USD', 'ETH/USD', 'BTC/EUR', 'BTC/USD'))).to.deep.equal([
      { base: 'BTC', quotes: ['USD', 'EUR'], path: '/v1/exchangerate/BTC?filter_asset_id=USD;EUR' },
      { base: 'ETH', quotes: ['USD'], path: '/v1/exchangerate/ETH/USD' },
    ]);
  });

  it('plans nothing for no pairs', () => {
    expect(planRequests([])).to.deep.equal([]);
  });
});
