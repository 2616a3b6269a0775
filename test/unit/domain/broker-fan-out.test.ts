import { expect } from 'chai';
import type { FanOutWriter } from '../../../src/domain/fan-out-writer';
import { writeEachSink } from '../../../src/domain/fan-out-writer';
import { BrokerKit, event, ids, received } from './broker-kit';

describe('Broker', () => {
  describe('fanOut', () => {
    it('delivers an event to the subscribers whose topics match it, and to no other', () => {
      const kit = new BrokerKit();
      const all = kit.sink();
      const rates = kit.sink({ topics: ['rates.*'] });
      const btc = kit.sink({ topics: ['rates.BTC-USD'] });
      const news = kit.sink({ topics: ['news'] });
      kit.publish(event('e1', { topic: 'rates.BTC-USD' }), event('e2', { topic: 'rates.ETH-USD' }), event('e3'));
      expect(received(all)).to.deep.equal(['e1', 'e2', 'e3']);
      expect(received(rates)).to.deep.equal(['e1', 'e2']);
      expect(received(btc)).to.deep.equal(['e1']);
      expect(received(news)).to.deep.equal([]);
    });

    it('gives an event once to a subscriber several of whose filters match it', () => {
      const kit = new BrokerKit();
      const sink = kit.sink({ topics: ['rates.*', 'rates.BTC-USD', 'rates.BTC*'] });
      kit.publish(event('e1', { topic: 'rates.BTC-USD' }));
      expect(received(sink)).to.deep.equal(['e1']);
    });

    it('encodes each event once, whatever the number of subscribers', () => {
      const kit = new BrokerKit();
      for (let n = 0; n < 20; n += 1) kit.sink({ topics: n % 2 === 0 ? [] : [`t${n}`, 'broadcast'] });
      kit.publish(event('e1'), event('e2'));
      expect(kit.framer.encoded).to.deep.equal(['e1', 'e2']);
    });

    it('hands every subscriber of one audience the very same bytes', () => {
      const kit = new BrokerKit();
      const [a, b] = [kit.sink({ topics: ['broadcast'] }), kit.sink({ topics: ['broadcast'] })];
      kit.publish(event('e1'));
      expect(a.rawFrames).to.have.length(1);
      expect(a.rawFrames[0]).to.equal(b.rawFrames[0]);
    });

    it('writes public events once to subscribers of the same topics whatever their tokens grant', () => {
      const calls: number[] = [];
      const writer: FanOutWriter = (frame, live, short) => {
        calls.push(live.reduce((n, set) => n + set.size, 0));
        return writeEachSink(frame, live, short);
      };
      const kit = new BrokerKit({ manualFlush: true, parts: { writer } });
      const grants = [[], ['orders.1'], ['orders.2'], ['orders.*']];
      const sinks = grants.map((privateTopics) => kit.sink({ topics: ['orders.*'], privateTopics }));
      kit.publish(event('e1', { topic: 'orders.1' }), event('e2', { topic: 'orders.2' }));
      kit.flush();
      expect(calls, 'one write for the four grants').to.deep.equal([4]);
      expect(sinks[0]!.rawFrames[0]).to.equal(sinks[3]!.rawFrames[0]);
      sinks.forEach((sink) => expect(received(sink)).to.deep.equal(['e1', 'e2']));

      calls.length = 0;
      kit.publish(event('p1', { topic: 'orders.1', private: true }), event('e3', { topic: 'orders.1' }));
      kit.flush();
      expect(calls.sort(), 'a batch with a private event: each group that sees it alone').to.deep.equal([1, 1, 2]);
      expect(sinks.map((sink) => received(sink).slice(2))).to.deep.equal([['e3'], ['p1', 'e3'], ['e3'], ['p1', 'e3']]);
    });

    it('skips a redelivery of an event it already fanned out', () => {
      const kit = new BrokerKit();
      const sink = kit.sink();
      kit.publish(event('e1'), event('e2'), event('e1'));
      kit.publish(event('e2'));
      expect(received(sink)).to.deep.equal(['e1', 'e2']);
      expect(kit.framer.encoded).to.deep.equal(['e1', 'e2']);
      expect(kit.observer.fannedOutCount).to.equal(2);
    });

    it('reaches a subscriber whose audience is new after the topic was already fanned out', () => {
      const kit = new BrokerKit();
      kit.sink({ topics: ['broadcast'] });
      kit.publish(event('e1'));
      const late = kit.sink({ topics: ['broad*'] });
      kit.publish(event('e2'));
      expect(received(late)).to.deep.equal(['e2']);
    });

    it('keeps matching right after more distinct topics than it caches', () => {
      const kit = new BrokerKit({ settings: { historySize: 10 } });
      const rates = kit.sink({ topics: ['rates.*'] });
      for (let n = 0; n < 5000; n += 1) kit.publish(event(`n${n}`, { topic: `t${n}` }));
      const late = kit.sink({ topics: ['t4999', 't0'] });
      kit.publish(event('r1', { topic: 'rates.BTC-USD' }), event('x1', { topic: 't4999' }));
      kit.publish(event('x2', { topic: 't0' }), event('x3', { topic: 't1' }));
      expect(received(rates)).to.deep.equal(['r1']);
      expect(received(late)).to.deep.equal(['x1', 'x2']);
    });

    it('reports each event fanned out once and every event written to a client', () => {
      const kit = new BrokerKit();
      kit.sink({ topics: ['broadcast'] });
      kit.sink({ topics: ['broad*'] });
      kit.sink({ topics: ['news'] });
      kit.publish(event('e1'), event('e2', { topic: 'nobody' }));
      expect(kit.observer.fannedOutCount).to.equal(2);
      expect(kit.observer.totalDelivered).to.equal(2);
    });
  });

  describe('batches', () => {
    it('asks the scheduler once per batch and writes a batch to each client in one write', () => {
      const kit = new BrokerKit({ manualFlush: true });
      const all = kit.sink();
      const news = kit.sink({ topics: ['news'] });
      kit.publish(event('e1'), event('e2', { topic: 'news' }), event('e3'));
      expect(kit.flushesScheduled).to.equal(1);
      expect(all.rawFrames).to.have.length(0);
      kit.flush();
      expect(all.rawFrames).to.have.length(1);
      expect(received(all)).to.deep.equal(['e1', 'e2', 'e3']);
      expect(received(news)).to.deep.equal(['e2']);
      expect(kit.observer.totalDelivered).to.equal(4);
      kit.publish(event('e4'));
      expect(kit.flushesScheduled).to.equal(1);
    });

    it('flushes what is queued before a new subscription starts, so it gets none of it', () => {
      const kit = new BrokerKit({ manualFlush: true });
      const early = kit.sink();
      kit.publish(event('e1'));
      const late = kit.sink();
      expect(received(early)).to.deep.equal(['e1']);
      kit.publish(event('e2'));
      kit.flush();
      expect(received(late)).to.deep.equal(['e2']);
    });

    it('carries on with the next batch when a flush throws', () => {
      let throwing = true;
      const writer: FanOutWriter = (frame, live, short) => {
        if (throwing) throw new Error('writer bug (fake)');
        return writeEachSink(frame, live, short);
      };
      const kit = new BrokerKit({ manualFlush: true, parts: { writer } });
      const sink = kit.sink();
      kit.publish(event('e1'));
      kit.flush();
      throwing = false;
      kit.publish(event('e2'));
      kit.flush();
      expect(received(sink)).to.deep.equal(['e2']);
      expect(kit.observer.failures.map(([stage]) => stage)).to.deep.equal(['write']);
    });
  });

  describe('a client whose transport queues', () => {
    it('gets each event once when its write is only partly taken, and the rest once it drains', () => {
      const kit = new BrokerKit();
      const slow = kit.sink({ accepts: 5 });
      const fast = kit.sink();
      kit.publish(event('e1'));
      expect(kit.broker.behind).to.equal(1);
      kit.publish(event('e2'), event('e3'));
      expect(received(slow)).to.deep.equal(['e1']);
      slow.drain();
      expect(received(slow)).to.deep.equal(ids(1, 3));
      expect(received(fast)).to.deep.equal(ids(1, 3));
      expect(kit.broker.behind).to.equal(0);
    });

    it('is written directly again once it has caught up', () => {
      const kit = new BrokerKit();
      const sink = kit.sink({ accepts: 0 });
      kit.publish(event('e1'), event('e2'));
      sink.drain();
      const writes = sink.rawFrames.length;
      const other = kit.sink();
      kit.publish(event('e3'));
      expect(received(sink)).to.deep.equal(ids(1, 3));
      // Written by the fan-out with its group: the same bytes as the other client.
      expect(sink.rawFrames[writes]).to.equal(other.rawFrames[0]);
    });

    it('falls behind on a keep-alive that queues, and gets later events after it', () => {
      const kit = new BrokerKit();
      const { sink } = kit.subscribe();
      sink.keepAlive = () => 'queued';
      kit.broker.keepAlive();
      expect(kit.broker.behind).to.equal(1);
      kit.publish(event('e1'));
      expect(received(sink)).to.deep.equal([]);
      sink.drain();
      expect(received(sink)).to.deep.equal(['e1']);
      expect(kit.broker.behind).to.equal(0);
    });
  });

  describe('keepAlive', () => {
    it('asks each live sink to keep alive and removes those that are closed', () => {
      const kit = new BrokerKit();
      const fine = kit.sink();
      const gone = kit.sink({ topics: ['news'] });
      gone.close('shutdown');
      kit.broker.keepAlive();
      expect(fine.keepAlives).to.equal(1);
      expect(kit.broker.size).to.equal(1);
      expect(kit.observer.drops).to.deep.equal([]);
    });

    it('leaves alone the sinks of clients that are behind (their backlog is being written)', () => {
      const kit = new BrokerKit();
      const slow = kit.sink({ accepts: 0 });
      kit.publish(event('e1'));
      kit.broker.keepAlive();
      expect(slow.keepAlives).to.equal(0);
    });
  });
});
