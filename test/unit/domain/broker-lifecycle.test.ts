import { expect } from 'chai';
import { BrokerKit, event, ids, received } from './broker-kit';

const STREAM_GAP = '!reset {"reason":"stream-gap"}';

describe('Broker', () => {
  describe('token expiry (tick)', () => {
    const T0 = 1_700_000_000_500;
    const warning = (expiresAt: number): string => `!auth-expiring {"exp":${Math.floor(expiresAt / 1000)}}`;

    const kitAt = (now = T0): BrokerKit => {
      const kit = new BrokerKit();
      kit.now = now;
      return kit;
    };

    it('warns 30 s before exp, once, with exp in seconds since the epoch', () => {
      const kit = kitAt();
      const expiresAt = T0 + 120_000;
      const sink = kit.sink({ expiresAt });
      kit.broker.tick();
      kit.now = expiresAt - 30_001;
      kit.broker.tick();
      expect(received(sink)).to.deep.equal([]);
      kit.now = expiresAt - 30_000;
      kit.broker.tick();
      kit.broker.tick();
      expect(received(sink)).to.deep.equal([warning(expiresAt)]);
      expect(warning(expiresAt)).to.equal('!auth-expiring {"exp":1700000120}');
      expect(sink.closed).to.equal(false);
    });

    it('warns at the first tick when less than 30 s is left', () => {
      const kit = kitAt();
      const expiresAt = T0 + 10_000;
      const sink = kit.sink({ expiresAt });
      kit.broker.tick();
      expect(received(sink)).to.deep.equal([warning(expiresAt)]);
    });

    it('closes the stream at exp, as expired, and counts it', () => {
      const kit = kitAt();
      const expiresAt = T0 + 60_000;
      const sink = kit.sink({ expiresAt });
      kit.now = expiresAt - 1;
      kit.broker.tick();
      expect(sink.closed).to.equal(false);
      kit.now = expiresAt;
      kit.broker.tick();
      expect(sink.closeReasons).to.deep.equal(['expired']);
      expect(kit.observer.drops).to.deep.equal(['expired']);
      expect(kit.broker.size).to.equal(0);
    });

    it('sends no private event after exp, even before the next tick', () => {
      const kit = kitAt();
      const expiresAt = T0 + 60_000;
      const sink = kit.sink({ privateTopics: ['orders'], expiresAt });
      kit.publish(event('e1', { topic: 'orders', private: true }));
      kit.now = expiresAt + 1;
      kit.publish(event('e2', { topic: 'orders', private: true }));
      expect(received(sink).filter((item) => !item.startsWith('!'))).to.deep.equal(['e1']);
      expect(sink.closeReasons).to.deep.equal(['expired']);
    });

    it('replays no private event to a token that is already past exp', () => {
      const kit = kitAt();
      kit.publish(event('e1', { topic: 'orders', private: true }), event('e2', { topic: 'orders', private: true }));
      const sink = kit.sink({ privateTopics: ['orders'], expiresAt: T0 - 2_000, start: { kind: 'rewind', count: 2 } });
      expect(received(sink).filter((item) => !item.startsWith('!'))).to.deep.equal([]);
    });

    it('writes no private event waiting for a client that is behind once exp has passed', () => {
      const kit = kitAt();
      const expiresAt = T0 + 60_000;
      const sink = kit.sink({ privateTopics: ['orders'], expiresAt, accepts: 0 });
      kit.publish(event('e1', { topic: 'orders', private: true }), event('e2', { topic: 'orders', private: true }));
      kit.now = expiresAt;
      sink.drain();
      expect(received(sink)).to.deep.equal(['e1']);
    });

    it('queues the warning of a client that is behind after what already waits for it', () => {
      const kit = kitAt();
      const expiresAt = T0 + 40_000;
      const sink = kit.sink({ expiresAt, accepts: 0 });
      kit.publish(event('e1'), event('e2'));
      kit.now = expiresAt - 30_000;
      kit.broker.tick();
      sink.drain();
      expect(received(sink)).to.deep.equal(['e1', 'e2', warning(expiresAt)]);
      expect(sink.closed).to.equal(false);
    });

    it('neither warns nor closes a stream that ended before, nor one whose token has no exp', () => {
      const kit = kitAt();
      const { sink: left, subscriber } = kit.subscribe({ expiresAt: T0 + 10_000 });
      const forever = kit.sink();
      kit.broker.unsubscribe(subscriber);
      kit.now = T0 + 10 * 86_400_000;
      kit.broker.tick();
      expect(left.log).to.deep.equal([]);
      expect(forever.log).to.deep.equal([]);
      expect(kit.broker.size).to.equal(1);
    });
  });

  describe('signalGap', () => {
    it('sends every stream a stream-gap reset: live ones at once, those behind after what waits for them', () => {
      const kit = new BrokerKit();
      const live = kit.sink({ topics: ['news'] });
      const behind = kit.sink({ accepts: 0 });
      kit.publish(event('e1'));
      kit.broker.signalGap();
      kit.publish(event('e2'));
      expect(received(live)).to.deep.equal([STREAM_GAP]);
      behind.drain();
      expect(received(behind)).to.deep.equal(['e1', STREAM_GAP, 'e2']);
    });
  });

  describe('tick, for clients that are behind', () => {
    it('drops a client that took no byte for a minute as stalled, and keeps one that reads', () => {
      const kit = new BrokerKit();
      kit.now = 0;
      const stuck = kit.sink({ accepts: 0 });
      const reading = kit.sink({ accepts: 0, topics: ['broadcast'] });
      kit.publish(event('e1'));
      kit.now = 30_000;
      reading.drain(0);
      kit.broker.tick();
      kit.publish(event('e2'));
      kit.now = 60_000;
      reading.drain(0);
      kit.broker.tick();
      expect(stuck.closeReasons).to.deep.equal(['stalled']);
      expect(kit.observer.drops).to.deep.equal(['stalled']);
      expect(reading.closed).to.equal(false);
      expect(received(reading)).to.deep.equal(['e1', 'e2']);
    });
  });

  describe('signalGap, in the bus order', () => {
    it('comes after the events the bus delivered before it, even those still waiting for a flush', () => {
      const kit = new BrokerKit({ manualFlush: true });
      const sink = kit.sink();
      kit.publish(event('e1'), event('e2'));
      kit.broker.signalGap();
      kit.publish(event('e3'));
      kit.flush();
      expect(received(sink)).to.deep.equal(['e1', 'e2', STREAM_GAP, 'e3']);
    });
  });

  describe('control messages', () => {
    it('are not counted as delivered events, for clients live or behind', () => {
      const kit = new BrokerKit();
      kit.now = 0;
      kit.sink({ expiresAt: 40_000 });
      const behind = kit.sink({ accepts: 0, expiresAt: 40_000 });
      kit.publish(event('e1'));
      kit.broker.signalGap();
      kit.now = 10_000;
      kit.broker.tick();
      behind.drain();
      expect(received(behind)).to.deep.equal(['e1', STREAM_GAP, '!auth-expiring {"exp":40}']);
      expect(kit.observer.totalDelivered).to.equal(2);
    });
  });

  describe('closeSome', () => {
    it('delivers what is queued, then closes up to count streams with the reason, and says how many are left', () => {
      const kit = new BrokerKit({ manualFlush: true });
      const sinks = [kit.sink(), kit.sink({ topics: ['news'] }), kit.sink(), kit.sink({ topics: ['x'] })];
      kit.publish(event('e1'));
      expect(kit.broker.closeSome(3, 'shutdown')).to.equal(1);
      expect(sinks.filter((sink) => sink.closed)).to.have.length(3);
      for (const sink of sinks.filter((s) => s.closed)) expect(sink.log.at(-1)).to.equal('close:shutdown');
      expect(sinks[0]!.log).to.deep.equal(['write:e1 {"n":"e1"}|', 'close:shutdown']);
      expect(kit.observer.drops).to.deep.equal([]);
      expect(kit.broker.closeSome(5, 'shutdown')).to.equal(0);
      expect(sinks.every((sink) => sink.closed)).to.equal(true);
    });

    it('closes clients that are behind too, and counts reasons other than shutdown', () => {
      const kit = new BrokerKit();
      const behind = kit.sink({ accepts: 0 });
      kit.publish(event('e1'));
      expect(kit.broker.closeSome(1, 'slow')).to.equal(0);
      expect(behind.closeReasons).to.deep.equal(['slow']);
      expect(kit.observer.drops).to.deep.equal(['slow']);
      expect(kit.broker.behind).to.equal(0);
    });
  });

  describe('unsubscribe', () => {
    it('stops delivering, tracks the size, leaves the sink to its owner and is safe twice', () => {
      const kit = new BrokerKit();
      const { sink, subscriber } = kit.subscribe();
      const other = kit.sink({ topics: ['broadcast'] });
      expect(kit.broker.size).to.equal(2);
      kit.broker.unsubscribe(subscriber);
      kit.broker.unsubscribe(subscriber);
      expect(kit.broker.size).to.equal(1);
      kit.publish(event('e1'));
      expect(sink.log).to.deep.equal([]);
      expect(received(other)).to.deep.equal(['e1']);
      expect(kit.observer.drops).to.deep.equal([]);
    });

    it('forgets a client that is behind, with what waited for it', () => {
      const kit = new BrokerKit();
      const { sink, subscriber } = kit.subscribe({ accepts: 0 });
      kit.publish(event('e1'), event('e2'));
      kit.broker.unsubscribe(subscriber);
      expect(kit.broker.behind).to.equal(0);
      sink.drain();
      expect(received(sink)).to.deep.equal(['e1']);
    });

    it('keeps the other subscribers of an audience when one leaves', () => {
      const kit = new BrokerKit();
      const leaving = kit.subscribe({ topics: ['broadcast'] });
      const staying = kit.sink({ topics: ['broadcast'] });
      kit.publish(event('e1'));
      kit.broker.unsubscribe(leaving.subscriber);
      kit.publish(event('e2'));
      expect(received(staying)).to.deep.equal(ids(1, 2));
    });
  });
});
