import { expect } from 'chai';
import { Audience } from '../../../src/domain/audience';
import { Subscriber } from '../../../src/domain/subscriber';
import { TopicGroups } from '../../../src/domain/topic-groups';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { RecordingSink } from '../../fakes/recording-sink';

/** An audience that counts how often it is asked whether it sees a topic (the cost a cache saves). */
function countingAudience(filters: readonly string[]): { audience: Audience; asked: () => number } {
  const parsed = TopicSelection.parse(filters);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const audience = new Audience(parsed.value);
  const sees = audience.sees.bind(audience);
  let asked = 0;
  audience.sees = (topic, isPrivate) => ((asked += 1), sees(topic, isPrivate));
  return { audience, asked: () => asked };
}

const subscriber = (audience: Audience): Subscriber => new Subscriber(audience, new RecordingSink());
const TOPICS = Array.from({ length: 200 }, (_, i) => `news.t${i}`);

describe('TopicGroups', () => {
  it('keeps every cached topic when a client opens a new selection: only the new group is matched', () => {
    const groups = new TopicGroups();
    const existing = TOPICS.slice(0, 100).map((topic) => countingAudience([topic]));
    existing.forEach(({ audience }) => groups.add(subscriber(audience)));
    for (const topic of TOPICS) groups.matching(topic, false);
    const askedBefore = existing.map(({ asked }) => asked());

    const fresh = countingAudience(['news.t1*']);
    groups.add(subscriber(fresh.audience));
    expect(fresh.asked(), 'the new group is matched once against each cached topic').to.equal(TOPICS.length);
    for (const topic of TOPICS) {
      const found = groups.matching(topic, false);
      expect(
        [...found].some((g) => g.audience === fresh.audience),
        topic,
      ).to.equal(topic.startsWith('news.t1'));
    }
    expect(
      existing.map(({ asked }) => asked()),
      'no other group was matched again',
    ).to.deep.equal(askedBefore);
    expect(fresh.asked(), 'nor the new one, once cached').to.equal(TOPICS.length);
  });

  it('takes an emptied group out of the cached lists without matching anyone again', () => {
    const groups = new TopicGroups();
    const a = countingAudience(['news.*']);
    const b = countingAudience(['news.t5']);
    groups.add(subscriber(a.audience));
    const leaving = subscriber(b.audience);
    groups.add(leaving);
    expect(groups.matching('news.t5', false).size).to.equal(2);
    const asked = a.asked() + b.asked();
    expect(groups.remove(leaving)).to.equal(true);
    expect(groups.remove(leaving), 'a second remove is a no-op').to.equal(false);
    expect([...groups.matching('news.t5', false)].map((g) => g.audience)).to.deep.equal([a.audience]);
    expect(a.asked() + b.asked()).to.equal(asked);
    expect(groups.size).to.equal(1);
  });

  it('holds at most 4096 topics: a flood of new topics evicts the oldest, which is matched again on use', () => {
    const groups = new TopicGroups();
    const everyone = countingAudience([]);
    groups.add(subscriber(everyone.audience));
    groups.matching('first', false);
    for (let i = 0; i < 4096; i += 1) groups.matching(`flood.${i}`, false);
    const asked = everyone.asked();
    groups.matching(`flood.4095`, false);
    expect(everyone.asked(), 'a recent topic is still cached').to.equal(asked);
    groups.matching('first', false);
    expect(everyone.asked(), 'the oldest was evicted').to.equal(asked + 1);
  });
});
