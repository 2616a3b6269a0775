import { expect } from 'chai';
import { Audience } from '../../../src/domain/audience';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { audience, selection } from './broker-kit';

describe('Audience', () => {
  it('sees a public event of every topic its selection matches', () => {
    const rates = audience(['rates.*']);
    expect(rates.sees('rates.BTC-USD', false)).to.equal(true);
    expect(rates.sees('news', false)).to.equal(false);
  });

  it('sees no private event without private topics (an anonymous subscriber)', () => {
    const anonymous = new Audience(TopicSelection.everything);
    expect(anonymous.sees('orders', true)).to.equal(false);
    expect(anonymous.sees('orders', false)).to.equal(true);
  });

  it('sees a private event only where both its selection and its private topics cover the topic', () => {
    const granted = audience(['orders', 'news'], ['orders', 'payments.*']);
    expect(granted.sees('orders', true)).to.equal(true);
    expect(granted.sees('news', true)).to.equal(false);
    expect(granted.sees('payments.eu', true)).to.equal(false);
    expect(granted.sees('news', false)).to.equal(true);
  });

  it('shares a key with the same selection and private topics, whatever their order', () => {
    const one = new Audience(selection(['b', 'a']), selection(['x', 'y'], false));
    const two = new Audience(selection(['a', 'b', 'a']), selection(['y', 'x'], false));
    expect(one.key).to.equal(two.key);
  });

  it('has a key of its own for each different selection or private topics', () => {
    const keys = [
      audience(),
      audience(['a']),
      audience(['a'], ['a']),
      audience([], ['a']),
      audience(['a', 'b']),
      audience(['a'], ['a', 'b']),
    ].map((a) => a.key);
    expect(new Set(keys).size).to.equal(keys.length);
  });
});
