import { expect } from 'chai';
import type { FanOutWriter } from '../../../src/domain/fan-out-writer';
import { writeEachSink } from '../../../src/domain/fan-out-writer';
import type { Subscriber } from '../../../src/domain/subscriber';
import { BrokerKit, event, received } from './broker-kit';

describe('Broker', () => {
  describe('failures', () => {
    it('loses only the event the framer throws on, and reports it', () => {
      const kit = new BrokerKit({ manualFlush: true });
      const sink = kit.sink();
      kit.framer.failOn.add('e2');
      kit.publish(event('e1'), event('e2'), event('e3'));
      kit.flush();
      expect(received(sink)).to.deep.equal(['e1', 'e3']);
      expect(kit.observer.failures.map(([stage]) => stage)).to.deep.equal(['encode']);
      expect(kit.observer.fannedOutCount).to.equal(2);
    });

    it('loses a batch for the one group whose write throws, and reports it', () => {
      const broken = new Set<Subscriber>();
      const writer: FanOutWriter = (frame, live, short) => {
        for (const set of live)
          for (const subscriber of set) if (broken.has(subscriber)) throw new Error('writer bug (fake)');
        return writeEachSink(frame, live, short);
      };
      const kit = new BrokerKit({ parts: { writer } });
      const bad = kit.subscribe({ topics: ['broadcast'] });
      const good = kit.sink({ topics: ['broad*'] });
      broken.add(bad.subscriber);
      kit.publish(event('e1'));
      expect(received(good)).to.deep.equal(['e1']);
      expect(received(bad.sink)).to.deep.equal([]);
      expect(kit.observer.failures.map(([stage]) => stage)).to.deep.equal(['write']);
    });

    it('still queues the batch for the clients of that group who are behind when its write throws', () => {
      let throwing = false;
      const writer: FanOutWriter = (frame, live, short) => {
        if (throwing) throw new Error('writer bug (fake)');
        return writeEachSink(frame, live, short);
      };
      const kit = new BrokerKit({ parts: { writer } });
      kit.sink();
      const behind = kit.sink({ accepts: 0 });
      kit.publish(event('e1'));
      throwing = true;
      kit.publish(event('e2'));
      behind.drain();
      expect(received(behind)).to.deep.equal(['e1', 'e2']);
    });

    it('removes a subscriber whose sink is closed, without closing it again or counting a drop', () => {
      const kit = new BrokerKit();
      const gone = kit.sink();
      const other = kit.sink();
      gone.close('shutdown');
      kit.publish(event('e1'), event('e2'));
      expect(gone.log).to.deep.equal(['close:shutdown']);
      expect(kit.observer.drops).to.deep.equal([]);
      expect(received(other)).to.deep.equal(['e1', 'e2']);
      expect(kit.broker.size).to.equal(1);
      expect(kit.observer.totalDelivered).to.equal(2);
    });
  });

  describe('a bug in a timed step', () => {
    it('is reported, and the keep-alive goes on to the other clients', () => {
      const kit = new BrokerKit();
      const broken = kit.sink();
      broken.keepAlive = () => {
        throw new Error('keep-alive bug (fake)');
      };
      const fine = kit.sink();
      expect(() => kit.broker.keepAlive()).not.to.throw();
      expect(fine.keepAlives).to.equal(1);
      expect(kit.observer.failures.map(([stage]) => stage)).to.deep.equal(['timer']);
    });

    it('is reported for each step of the tick (expiries, catch-up), and escapes neither', () => {
      const kit = new BrokerKit({
        parts: {
          now: () => {
            throw new Error('clock bug (fake)');
          },
        },
      });
      expect(() => kit.broker.tick()).not.to.throw();
      expect(kit.observer.failures.map(([stage]) => stage)).to.deep.equal(['timer', 'timer']);
    });
  });
});
