import { expect } from 'chai';
import { grantOf, type Grant } from '../../../src/domain/grant';

const grant = (claim: unknown, expiresAt?: number): Grant => {
  const parsed = grantOf(claim, expiresAt);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};

describe('Grant', () => {
  describe('grantOf', () => {
    it('reads subscribe and publish as topic filters, in the stream query syntax', () => {
      const read = grant({ subscribe: ['rates.*', 'news'], publish: ['*'] }, 1_000);
      expect(read.expiresAt).to.equal(1_000);
      expect(read.subscribe.matches('rates.BTC-USD')).to.equal(true);
      expect(read.subscribe.matches('news')).to.equal(true);
      expect(read.subscribe.matches('news.sport')).to.equal(false);
      expect(read.publish.matches('anything')).to.equal(true);
    });

    it('grants nothing without the claim or without a list', () => {
      for (const read of [grant(undefined), grant({}), grant({ subscribe: [] })]) {
        expect(read.subscribe.matches('broadcast')).to.equal(false);
        expect(read.publish.matches('broadcast')).to.equal(false);
        expect(read.expiresAt).to.equal(undefined);
      }
    });

    it('gives equal filter lists one key, in any order and with repeats', () => {
      expect(grant({ subscribe: ['b', 'a.*', 'b'] }).subscribe.key).to.equal(
        grant({ subscribe: ['a.*', 'b'] }).subscribe.key,
      );
      expect(grant({ subscribe: ['a.*'] }).subscribe.key).not.to.equal(grant({ subscribe: ['a'] }).subscribe.key);
    });

    for (const claim of [
      null,
      'news',
      ['news'],
      7,
      { subscribe: 'news' },
      { publish: [1] },
      { subscribe: ['a b'] },
      { subscribe: [''] },
    ]) {
      it(`refuses ${JSON.stringify(claim)} with the code claims`, () => {
        const parsed = grantOf(claim, undefined);
        expect(parsed.ok ? 'ok' : parsed.error.code).to.equal('claims');
      });
    }
  });
});
