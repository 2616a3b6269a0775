import { expect } from 'chai';
import { MAX_TOPICS, TopicSelection } from '../../../src/domain/topic-selection';

const select = (...raws: string[]): TopicSelection => {
  const parsed = TopicSelection.parse(raws);
  if (!parsed.ok) throw new Error(`test setup: ${raws.join(',')} should parse`);
  return parsed.value;
};

describe('TopicSelection', () => {
  it('matches every topic when no filter is given', () => {
    const all = select();
    expect(all.matches('broadcast')).to.equal(true);
    expect(all.matches('rates.ETH-USD')).to.equal(true);
  });

  it('matches every topic when one of the filters is *', () => {
    const all = select('broadcast', '*');
    expect(all.matches('rates.ETH-USD')).to.equal(true);
    expect(all.key).to.equal(select().key);
  });

  it('matches a topic when any of its filters matches', () => {
    const some = select('broadcast', 'rates.BTC*');
    expect(some.matches('broadcast')).to.equal(true);
    expect(some.matches('rates.BTC-USD')).to.equal(true);
    expect(some.matches('rates.ETH-USD')).to.equal(false);
    expect(some.matches('news')).to.equal(false);
  });

  it('gives the same key to the same filters in any order and with duplicates', () => {
    const key = select('rates.*', 'broadcast').key;
    expect(select('broadcast', 'rates.*').key).to.equal(key);
    expect(select('broadcast', 'rates.*', 'broadcast', 'rates.*').key).to.equal(key);
  });

  it('gives different keys to different filters', () => {
    const keys = [select('rates.*'), select('rates.'), select('rates'), select('rates.*', 'rates'), select()].map(
      (s) => s.key,
    );
    expect(new Set(keys).size).to.equal(keys.length);
  });

  it('refuses the whole selection as invalid-input when one filter is invalid', () => {
    const parsed = TopicSelection.parse(['broadcast', 'bad topic']);
    expect(parsed.ok).to.equal(false);
    if (!parsed.ok) {
      expect(parsed.error.code).to.equal('invalid-input');
      expect(parsed.error.message).to.include('bad topic');
    }
  });

  it('refuses an invalid filter even after a *', () => {
    expect(TopicSelection.parse(['*', 'bad topic']).ok).to.equal(false);
    expect(TopicSelection.of(['*', 'bad topic']).ok).to.equal(false);
  });

  it('takes at most 64 topics per stream, and refuses 65 as invalid-input', () => {
    const topics = (count: number): string[] => Array.from({ length: count }, (_, i) => `t${i}`);
    expect(MAX_TOPICS).to.equal(64);
    const most = TopicSelection.parse(topics(64));
    expect(most.ok && most.value.matches('t63')).to.equal(true);
    const tooMany = TopicSelection.parse(topics(65));
    expect(tooMany.ok).to.equal(false);
    if (!tooMany.ok) expect(tooMany.error).to.deep.include({ code: 'invalid-input' });
  });

  it('matches nothing when built from no filter with of (a token claim), everything with parse (a query)', () => {
    const none = TopicSelection.of([]);
    expect(none.ok && none.value.matches('broadcast')).to.equal(false);
    expect(none.ok && none.value.key).to.equal(TopicSelection.nothing.key);
    expect(select().matches('broadcast')).to.equal(true);
  });
});
