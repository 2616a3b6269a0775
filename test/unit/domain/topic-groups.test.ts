import { expect } from 'chai';
import type { Audience } from '../../../src/domain/audience';
import { Backlog } from '../../../src/domain/backlog';
import { Subscriber } from '../../../src/domain/subscriber';
import { TopicGroups } from '../../../src/domain/topic-groups';
import { RecordingSink } from '../../fakes/recording-sink';
import { audience } from './broker-kit';

const subscriber = (of: Audience): Subscriber => new Subscriber(of, new RecordingSink());

describe('TopicGroups', () => {
  it('puts subscribers with one audience in one group, and counts every subscriber', () => {
    const groups = new TopicGroups();
    const [a, b, c] = [subscriber(audience(['news'])), subscriber(audience(['news'])), subscriber(audience())];
    expect(groups.add(a)).to.equal(groups.add(b));
    expect(groups.add(c)).to.not.equal(a.group);
    expect(groups.size).to.equal(3);
    expect([...a.group.live]).to.deep.equal([a, b]);
    expect([...groups.all()]).to.have.length(2);
  });

  it('adds a subscriber that has a backlog to its group as behind', () => {
    const groups = new TopicGroups();
    const behind = subscriber(audience());
    behind.backlog = new Backlog([], 0);
    const group = groups.add(behind);
    expect([...group.behind]).to.deep.equal([behind]);
    expect(group.live.size).to.equal(0);
  });

  it('finds the groups that see a topic, public and private apart', () => {
    const groups = new TopicGroups();
    const all = groups.add(subscriber(audience()));
    const orders = groups.add(subscriber(audience(['orders'])));
    const granted = groups.add(subscriber(audience([], ['orders'])));
    groups.add(subscriber(audience(['news'])));
    expect([...groups.matching('orders', false)]).to.deep.equal([all, orders, granted]);
    expect([...groups.matching('orders', true)]).to.deep.equal([granted]);
    expect([...groups.matching('nobody', false)]).to.deep.equal([all, granted]);
  });

  it('adds a new group to the cached lists in place instead of flushing them', () => {
    const groups = new TopicGroups();
    const first = groups.add(subscriber(audience(['rates.*'])));
    const cachedPublic = groups.matching('rates.BTC', false);
    const cachedPrivate = groups.matching('rates.BTC', true);
    const later = groups.add(subscriber(audience(['rates.BTC'], ['rates.*'])));
    groups.add(subscriber(audience(['news'])));
    expect(groups.matching('rates.BTC', false)).to.equal(cachedPublic);
    expect([...cachedPublic]).to.deep.equal([first, later]);
    expect(groups.matching('rates.BTC', true)).to.equal(cachedPrivate);
    expect([...cachedPrivate]).to.deep.equal([later]);
  });

  it('takes an emptied group out of the cached lists in place, and keeps a group that still has members', () => {
    const groups = new TopicGroups();
    const [a, b] = [subscriber(audience(['news'])), subscriber(audience(['news']))];
    const other = subscriber(audience());
    groups.add(a);
    groups.add(b);
    groups.add(other);
    const cached = groups.matching('news', false);
    expect(cached.size).to.equal(2);
    groups.remove(a);
    expect([...groups.matching('news', false)]).to.deep.equal([b.group, other.group]);
    groups.remove(b);
    expect(groups.matching('news', false)).to.equal(cached);
    expect([...cached]).to.deep.equal([other.group]);
    expect([...groups.all()]).to.deep.equal([other.group]);
    expect(groups.size).to.equal(1);
  });

  it('answers false when removing a subscriber twice, and counts it once', () => {
    const groups = new TopicGroups();
    const a = subscriber(audience());
    groups.add(a);
    groups.add(subscriber(audience()));
    expect(groups.remove(a)).to.equal(true);
    expect(groups.remove(a)).to.equal(false);
    expect(groups.size).to.equal(1);
  });

  it('makes a fresh group for an audience whose group was emptied', () => {
    const groups = new TopicGroups();
    const a = subscriber(audience(['news']));
    groups.add(a);
    groups.matching('news', false);
    groups.remove(a);
    const again = subscriber(audience(['news']));
    groups.add(again);
    expect([...groups.matching('news', false)]).to.deep.equal([again.group]);
  });

  it('keeps matching right once more topics were asked for than it caches', () => {
    const groups = new TopicGroups();
    const news = groups.add(subscriber(audience(['news'])));
    groups.matching('news', false);
    for (let n = 0; n < 5000; n += 1) groups.matching(`t${n}`, false);
    const late = groups.add(subscriber(audience(['news', 't1'])));
    expect([...groups.matching('news', false)]).to.deep.equal([news, late]);
    expect([...groups.matching('t1', false)]).to.deep.equal([late]);
    expect([...groups.matching('t4999', false)]).to.deep.equal([]);
  });
});
