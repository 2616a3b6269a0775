import { expect } from 'chai';
import { filterMatches, parseTopic, parseTopicFilter, type TopicFilter } from '../../../src/domain/topic';

const LONGEST = 'a'.repeat(128);
const VALID = ['a', 'broadcast', 'rates.BTC-USD', 'A-Z_a.z:0-9', LONGEST];
const INVALID = ['', 'a'.repeat(129), 'a b', 'a/b', 'a,b', 'a\nb', 'é', 'a?b', 'rates.*', '*'];

const filter = (raw: string): TopicFilter => {
  const parsed = parseTopicFilter(raw);
  if (!parsed.ok) throw new Error(`test setup: ${raw} should parse`);
  return parsed.value;
};

describe('Topic', () => {
  for (const raw of VALID) {
    it(`accepts ${JSON.stringify(raw.length > 20 ? `${raw.length} chars` : raw)}`, () => {
      expect(parseTopic(raw)).to.deep.equal({ ok: true, value: raw });
    });
  }

  for (const raw of INVALID) {
    it(`rejects ${JSON.stringify(raw.length > 20 ? `${raw.length} chars` : raw)} as invalid-input`, () => {
      const parsed = parseTopic(raw);
      expect(parsed.ok).to.equal(false);
      if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
    });
  }

  it('says what a topic must be in its error message', () => {
    const parsed = parseTopic('a b');
    expect(!parsed.ok && parsed.error.message).to.include('1-128 characters of A-Za-z0-9._:-');
  });
});

describe('TopicFilter', () => {
  it('reads * alone as everything', () => {
    expect(filter('*')).to.deep.equal({ kind: 'all' });
  });

  it('reads a trailing * as a prefix', () => {
    expect(filter('rates.*')).to.deep.equal({ kind: 'prefix', prefix: 'rates.' });
  });

  it('reads a plain name as an exact topic', () => {
    expect(filter('rates.BTC-USD')).to.deep.equal({ kind: 'exact', topic: 'rates.BTC-USD' });
  });

  it('accepts a 128-character prefix followed by *', () => {
    expect(filter(`${LONGEST}*`)).to.deep.equal({ kind: 'prefix', prefix: LONGEST });
  });

  for (const raw of ['', '**', 'a**', '*a', 'a*b', 'a b*', `${'a'.repeat(129)}*`, 'rates/*']) {
    it(`rejects ${JSON.stringify(raw.length > 20 ? `${raw.length} chars` : raw)} as invalid-input`, () => {
      const parsed = parseTopicFilter(raw);
      expect(parsed.ok).to.equal(false);
      if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
    });
  }

  it('matches an exact topic only when equal', () => {
    const exact = filter('broadcast');
    expect(filterMatches(exact, 'broadcast')).to.equal(true);
    expect(filterMatches(exact, 'broadcast2')).to.equal(false);
    expect(filterMatches(exact, 'broad')).to.equal(false);
    expect(filterMatches(exact, 'Broadcast')).to.equal(false);
  });

  it('matches a prefix against topics that start with it', () => {
    const prefix = filter('rates.*');
    expect(filterMatches(prefix, 'rates.BTC-USD')).to.equal(true);
    expect(filterMatches(prefix, 'rates.')).to.equal(true);
    expect(filterMatches(prefix, 'rates')).to.equal(false);
    expect(filterMatches(prefix, 'xrates.BTC-USD')).to.equal(false);
    expect(filterMatches(prefix, 'broadcast')).to.equal(false);
  });

  it('matches every topic with *', () => {
    const all = filter('*');
    for (const topic of VALID) expect(filterMatches(all, topic)).to.equal(true);
  });
});
