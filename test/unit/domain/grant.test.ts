import { expect } from 'chai';
import { covers, filtersKey, grantOf } from '../../../src/domain/grant';
import type { TopicFilter } from '../../../src/domain/topic';

const filters = (raw: unknown): readonly TopicFilter[] => {
  const grant = grantOf({ subscribe: raw }, undefined);
  if (!grant.ok) throw new Error(grant.error.message);
  return grant.value.subscribe;
};

describe('Grant', () => {
  describe('grantOf', () => {
    it('reads subscribe and publish as topic filters, in the stream query syntax', () => {
      expect(grantOf({ subscribe: ['rates.*', 'news'], publish: ['*'] }, 1_000)).to.deep.equal({
        ok: true,
        value: {
          subscribe: [
            { kind: 'prefix', prefix: 'rates.' },
            { kind: 'exact', topic: 'news' },
          ],
          publish: [{ kind: 'all' }],
          expiresAt: 1_000,
        },
      });
    });

    it('grants nothing without the claim or without a list', () => {
      expect(grantOf(undefined, undefined)).to.deep.equal({ ok: true, value: { subscribe: [], publish: [] } });
      expect(grantOf({}, undefined)).to.deep.equal({ ok: true, value: { subscribe: [], publish: [] } });
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
        const grant = grantOf(claim, undefined);
        expect(grant.ok ? 'ok' : grant.error.code).to.equal('claims');
      });
    }
  });

  describe('covers', () => {
    it('matches exact topics, prefixes and *', () => {
      const granted = filters(['news.*', 'alerts']);
      expect(covers(granted, 'news.sport')).to.equal(true);
      expect(covers(granted, 'alerts')).to.equal(true);
      expect(covers(granted, 'alerts.fire')).to.equal(false);
      expect(covers(granted, 'rates.BTC-USD')).to.equal(false);
      expect(covers(filters(['*']), 'anything')).to.equal(true);
    });

    it('covers nothing with an empty list (unlike an empty stream query)', () => {
      expect(covers([], 'broadcast')).to.equal(false);
    });
  });

  describe('filtersKey', () => {
    it('is the same for the same filters in any order or repetition, and differs otherwise', () => {
      expect(filtersKey(filters(['b', 'a.*', 'b']))).to.equal(filtersKey(filters(['a.*', 'b'])));
      expect(filtersKey(filters(['a.*']))).not.to.equal(filtersKey(filters(['a'])));
      expect(filtersKey([])).to.equal('');
    });
  });
});
