import { expect } from 'chai';
import { BrokerKit, event, ids, received } from './broker-kit';

const gapReset = (id: string): string => `!reset {"reason":"history-gap","lastEventId":"${id}"}`;

/** A kit holding e1 … e5 on the topics given, in that order. */
function withHistory(topics: readonly string[], historySize = 100): BrokerKit {
  const kit = new BrokerKit({ settings: { historySize } });
  topics.forEach((topic, i) => kit.publish(event(`e${i + 1}`, { topic })));
  return kit;
}

describe('Broker.subscribe', () => {
  it('starts live without a start: it gets only what is fanned out from then on', () => {
    const kit = withHistory(['broadcast', 'broadcast']);
    const sink = kit.sink();
    expect(sink.rawFrames).to.have.length(0);
    expect(kit.broker.behind).to.equal(0);
    kit.publish(event('e3'));
    expect(received(sink)).to.deep.equal(['e3']);
  });

  describe('after a Last-Event-ID', () => {
    it('replays the matching events that followed a held id, in order, then live ones', () => {
      const kit = withHistory(['broadcast', 'rates.BTC-USD', 'broadcast', 'news', 'broadcast']);
      const sink = kit.sink({ topics: ['broadcast'], start: { kind: 'after', id: 'e1' } });
      kit.publish(event('e6'));
      expect(received(sink)).to.deep.equal(['e3', 'e5', 'e6']);
      expect(sink.rawFrames).to.have.length(2);
      expect(kit.observer.totalDelivered).to.equal(3);
    });

    it('replays nothing and sends no reset after the newest id', () => {
      const kit = withHistory(['broadcast']);
      const sink = kit.sink({ start: { kind: 'after', id: 'e1' } });
      kit.publish(event('e2'));
      expect(received(sink)).to.deep.equal(['e2']);
      expect(kit.broker.behind).to.equal(0);
    });

    it('sends a history-gap reset naming the id, then the whole matching history, for an id it does not hold', () => {
      const kit = withHistory(['broadcast', 'news', 'broadcast']);
      const sink = kit.sink({ topics: ['broadcast'], start: { kind: 'after', id: 'nope' } });
      kit.publish(event('e4'));
      expect(received(sink)).to.deep.equal([gapReset('nope'), 'e1', 'e3', 'e4']);
    });

    it('treats an id the history evicted as one it does not hold', () => {
      const kit = withHistory(['broadcast', 'broadcast', 'broadcast', 'broadcast', 'broadcast'], 3);
      const sink = kit.sink({ start: { kind: 'after', id: 'e2' } });
      expect(received(sink)).to.deep.equal([gapReset('e2'), 'e3', 'e4', 'e5']);
    });

    it('sends only the reset when the history holds nothing (HISTORY_SIZE=0)', () => {
      const kit = withHistory(['broadcast'], 0);
      const sink = kit.sink({ start: { kind: 'after', id: 'e1' } });
      expect(received(sink)).to.deep.equal([gapReset('e1')]);
    });

    it('sends nothing for latest=1 with HISTORY_SIZE=0 (no replay of any kind)', () => {
      const kit = withHistory(['broadcast'], 0);
      const sink = kit.sink({ start: { kind: 'latest' } });
      expect(received(sink)).to.deep.equal([]);
    });

    it('replays a private event only to a subscriber whose private topics cover it', () => {
      const kit = new BrokerKit();
      kit.publish(event('e1'), event('e2', { topic: 'orders', private: true }), event('e3', { topic: 'orders' }));
      const anonymous = kit.sink({ start: { kind: 'after', id: 'x' } });
      const granted = kit.sink({ privateTopics: ['orders'], start: { kind: 'after', id: 'x' } });
      const other = kit.sink({ privateTopics: ['payments'], start: { kind: 'after', id: 'e1' } });
      expect(received(anonymous)).to.deep.equal([gapReset('x'), 'e1', 'e3']);
      expect(received(granted)).to.deep.equal([gapReset('x'), 'e1', 'e2', 'e3']);
      expect(received(other)).to.deep.equal(['e3']);
    });
  });

  describe('rewind', () => {
    it('replays the last N matching events, in order, then live ones', () => {
      const kit = withHistory(['broadcast', 'news', 'broadcast', 'news', 'broadcast']);
      const sink = kit.sink({ topics: ['broadcast'], start: { kind: 'rewind', count: 2 } });
      kit.publish(event('e6', { topic: 'news' }), event('e7'));
      expect(received(sink)).to.deep.equal(['e3', 'e5', 'e7']);
    });

    it('counts only the events the subscriber may see', () => {
      const kit = new BrokerKit();
      kit.publish(event('e1'), event('e2'), event('e3', { private: true }), event('e4', { private: true }));
      const anonymous = kit.sink({ start: { kind: 'rewind', count: 2 } });
      const granted = kit.sink({ privateTopics: ['broadcast'], start: { kind: 'rewind', count: 2 } });
      expect(received(anonymous)).to.deep.equal(['e1', 'e2']);
      expect(received(granted)).to.deep.equal(['e3', 'e4']);
    });

    it('replays the whole matching history when it holds fewer than N', () => {
      const kit = withHistory(['broadcast', 'news', 'broadcast']);
      const sink = kit.sink({ topics: ['broadcast'], start: { kind: 'rewind', count: 50 } });
      expect(received(sink)).to.deep.equal(['e1', 'e3']);
      expect(kit.broker.behind).to.equal(0);
    });

    it('sends no reset', () => {
      const kit = new BrokerKit();
      const sink = kit.sink({ start: { kind: 'rewind', count: 3 } });
      kit.publish(event('e1'));
      expect(received(sink)).to.deep.equal(['e1']);
    });
  });

  describe('latest', () => {
    it('sends the newest event of each matching topic, in fan-out order, then live ones', () => {
      const kit = withHistory(['rates.A', 'rates.B', 'news', 'rates.A', 'rates.C']);
      const sink = kit.sink({ topics: ['rates.*'], start: { kind: 'latest' } });
      kit.publish(event('e6', { topic: 'rates.B' }));
      expect(received(sink)).to.deep.equal(['e2', 'e4', 'e5', 'e6']);
    });

    it('keeps the newest event of a topic after the history has moved past it', () => {
      const kit = withHistory(['rare', 'busy', 'busy', 'busy', 'busy'], 2);
      const sink = kit.sink({ start: { kind: 'latest' } });
      expect(received(sink)).to.deep.equal(['e1', 'e5']);
    });

    it('counts only the events the subscriber may see, per topic', () => {
      const kit = new BrokerKit();
      kit.publish(event('e1', { topic: 'orders' }), event('e2', { topic: 'orders', private: true }));
      kit.publish(event('e3', { topic: 'secret', private: true }));
      const anonymous = kit.sink({ start: { kind: 'latest' } });
      const granted = kit.sink({ privateTopics: ['orders', 'secret'], start: { kind: 'latest' } });
      expect(received(anonymous)).to.deep.equal(['e1']);
      expect(received(granted)).to.deep.equal(['e2', 'e3']);
    });

    it('starts live when no matching topic has an event', () => {
      const kit = withHistory(['news']);
      const sink = kit.sink({ topics: ['rates.*'], start: { kind: 'latest' } });
      expect(sink.rawFrames).to.have.length(0);
      expect(kit.broker.behind).to.equal(0);
    });
  });

  describe('live events during a replay', () => {
    it('queues them behind the replay and sends them after it, in order', () => {
      const kit = withHistory(['broadcast', 'broadcast', 'broadcast']);
      const sink = kit.sink({ start: { kind: 'rewind', count: 3 }, accepts: 0 });
      expect(received(sink)).to.deep.equal(ids(1, 3));
      kit.publish(event('e4'), event('e5'));
      expect(received(sink)).to.deep.equal(ids(1, 3));
      expect(kit.broker.behind).to.equal(1);
      sink.drain();
      expect(received(sink)).to.deep.equal(ids(1, 5));
      expect(kit.broker.behind).to.equal(0);
    });

    it('counts the replayed events as delivered', () => {
      const kit = withHistory(['broadcast', 'broadcast', 'broadcast']);
      kit.sink({ start: { kind: 'rewind', count: 2 } });
      expect(kit.observer.totalDelivered).to.equal(2);
    });
  });
});
