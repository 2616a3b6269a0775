import { expect } from 'chai';
import { Broker } from '../../../src/domain/broker';
import type { EventId, StreamEvent } from '../../../src/domain/stream-event';
import type { FanOut } from '../../../src/domain/fan-out';
import type { Delivery, EventSink, Frame } from '../../../src/domain/subscription';
import type { Topic } from '../../../src/domain/topic';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { RecordingBrokerObserver } from '../../fakes/recording-broker-observer';
import { RecordingSink } from '../../fakes/recording-sink';

const event = (id: string, topic = 'broadcast'): StreamEvent => ({
  id: id as EventId,
  topic: topic as Topic,
  data: { n: id },
  publishedAt: 0,
});

const select = (...raws: string[]): TopicSelection => {
  const parsed = TopicSelection.parse(raws);
  if (!parsed.ok) throw new Error('test setup: bad selection');
  return parsed.value;
};

describe('Broker', () => {
  let encoded: StreamEvent[];
  let observer: RecordingBrokerObserver;
  let broker: Broker;
  const encode = (e: StreamEvent): Frame => (encoded.push(e), new TextEncoder().encode(`${e.id}@${e.topic}`));
  const make = (historySize = 100): Broker => new Broker(encode, historySize, observer);
  const subscribe = (topics: string[] = [], lastEventId?: string): RecordingSink => {
    const sink = new RecordingSink();
    broker.subscribe(select(...topics), sink, lastEventId);
    return sink;
  };

  beforeEach(() => {
    encoded = [];
    observer = new RecordingBrokerObserver();
    broker = make();
  });

  it('encodes each event once whatever the number of subscribers', () => {
    for (let n = 0; n < 50; n += 1) subscribe(n % 2 === 0 ? [] : ['broadcast']);
    broker.publish(event('e1'));
    broker.publish(event('e2'));
    expect(encoded.map((e) => e.id)).to.deep.equal(['e1', 'e2']);
  });

  it('hands the same frame object to every matching sink', () => {
    const sinks = [subscribe(), subscribe(['broadcast']), subscribe(['broad*'])];
    broker.publish(event('e1'));
    const first = sinks[0]!.rawFrames[0];
    expect(first).to.be.instanceOf(Uint8Array);
    for (const sink of sinks)
      expect(sink.rawFrames)
        .to.have.length(1)
        .and.to.satisfy((f: Frame[]) => f[0] === first);
  });

  it('delivers an event only to sinks whose topics match', () => {
    const all = subscribe();
    const rates = subscribe(['rates.*']);
    const btc = subscribe(['rates.BTC-USD']);
    const news = subscribe(['news']);
    broker.publish(event('e1', 'rates.BTC-USD'));
    broker.publish(event('e2', 'rates.ETH-USD'));
    broker.publish(event('e3', 'broadcast'));
    expect(all.frames).to.deep.equal(['e1@rates.BTC-USD', 'e2@rates.ETH-USD', 'e3@broadcast']);
    expect(rates.frames).to.deep.equal(['e1@rates.BTC-USD', 'e2@rates.ETH-USD']);
    expect(btc.frames).to.deep.equal(['e1@rates.BTC-USD']);
    expect(news.frames).to.deep.equal([]);
  });

  it('gives an event once to a client whose several filters all match it', () => {
    const sink = subscribe(['rates.*', 'rates.BTC-USD', 'rates.BTC*']);
    broker.publish(event('e1', 'rates.BTC-USD'));
    expect(sink.frames).to.deep.equal(['e1@rates.BTC-USD']);
  });

  it('reaches a subscriber with a new selection after the topic was already published', () => {
    subscribe(['broadcast']);
    broker.publish(event('e1'));
    const late = subscribe(['broad*']);
    broker.publish(event('e2'));
    expect(late.frames).to.deep.equal(['e2@broadcast']);
  });

  it('keeps matching right after more distinct topics than it caches', () => {
    const rates = subscribe(['rates.*']);
    for (let n = 0; n < 5000; n += 1) broker.publish(event(`n${n}`, `t${n}`));
    const late = subscribe(['t4999']);
    broker.publish(event('r1', 'rates.BTC-USD'));
    broker.publish(event('x1', 't4999'));
    broker.publish(event('x2', 't0'));
    expect(rates.frames).to.deep.equal(['r1@rates.BTC-USD']);
    expect(late.frames).to.deep.equal(['x1@t4999']);
  });

  it('drops a sink that overflows and keeps delivering to the others', () => {
    const slow = subscribe();
    const fast = subscribe();
    slow.deliverAnswer = 'overflow';
    broker.publish(event('e1'));
    broker.publish(event('e2'));
    expect(slow.closeReasons).to.deep.equal(['slow']);
    expect(slow.rawFrames).to.have.length(1);
    expect(fast.frames).to.deep.equal(['e1@broadcast', 'e2@broadcast']);
    expect(observer.drops).to.deep.equal(['slow']);
    expect(broker.size).to.equal(1);
  });

  it('removes a closed sink without closing it again or counting a drop', () => {
    const gone = subscribe();
    const other = subscribe();
    gone.deliverAnswer = 'closed';
    broker.publish(event('e1'));
    broker.publish(event('e2'));
    expect(gone.rawFrames).to.have.length(1);
    expect(gone.closeReasons).to.deep.equal([]);
    expect(observer.drops).to.deep.equal([]);
    expect(other.frames).to.have.length(2);
    expect(broker.size).to.equal(1);
  });

  it('ignores an event whose id it already published', () => {
    const sink = subscribe();
    broker.publish(event('e1'));
    broker.publish(event('e1'));
    expect(sink.frames).to.deep.equal(['e1@broadcast']);
    expect(encoded).to.have.length(1);
    expect(observer.publishedCount).to.equal(1);
  });

  it('replays the matching events that followed a known id, in order, then live ones', () => {
    ['broadcast', 'rates.BTC-USD', 'broadcast', 'news', 'broadcast'].forEach((t, i) =>
      broker.publish(event(`e${i + 1}`, t)),
    );
    const sink = subscribe(['broadcast'], 'e1');
    broker.publish(event('e6'));
    // The replay goes out in one write, live events after it.
    expect(sink.log).to.deep.equal(['deliver:e3@broadcaste5@broadcast', 'deliver:e6@broadcast']);
    expect(observer.totalDelivered).to.equal(3);
  });

  it('sends a reset, then the whole matching history, for an id it does not hold', () => {
    broker = make(3);
    ['broadcast', 'news', 'broadcast', 'broadcast', 'news'].forEach((t, i) => broker.publish(event(`e${i + 1}`, t)));
    const sink = subscribe(['broadcast'], 'e1');
    expect(sink.log).to.deep.equal(['reset', 'deliver:e3@broadcaste4@broadcast']);
  });

  it('sends only a reset when the history is empty or disabled', () => {
    broker = make(0);
    broker.publish(event('e1'));
    const sink = subscribe([], 'e1');
    expect(sink.log).to.deep.equal(['reset']);
  });

  it('replays nothing without a last event id', () => {
    broker.publish(event('e1'));
    const sink = subscribe();
    expect(sink.log).to.deep.equal([]);
  });

  it('replays nothing and sends no reset after the newest id', () => {
    broker.publish(event('e1'));
    const sink = subscribe([], 'e1');
    broker.publish(event('e2'));
    expect(sink.log).to.deep.equal(['deliver:e2@broadcast']);
  });

  it('drops a sink that overflows during replay and delivers it nothing more', () => {
    ['e1', 'e2', 'e3', 'e4'].forEach((id) => broker.publish(event(id)));
    const sink = new RecordingSink();
    sink.overflowFrom = 1;
    broker.subscribe(select(), sink, 'e1');
    broker.publish(event('e5'));
    expect(sink.frames).to.deep.equal(['e2@broadcaste3@broadcaste4@broadcast']);
    expect(sink.closeReasons).to.deep.equal(['slow']);
    expect(observer.drops).to.deep.equal(['slow']);
    expect(broker.size).to.equal(0);
  });

  it('removes a sink whose reset finds it closed, replaying nothing', () => {
    broker.publish(event('e1'));
    const sink = new RecordingSink();
    sink.resetAnswer = 'closed';
    broker.subscribe(select(), sink, 'unknown');
    expect(sink.log).to.deep.equal(['reset']);
    expect(broker.size).to.equal(0);
  });

  it('stops delivering to an unsubscribed sink and tracks the size', () => {
    const sink = new RecordingSink();
    const subscription = broker.subscribe(select(), sink);
    subscribe(['broadcast']);
    expect(broker.size).to.equal(2);
    broker.unsubscribe(subscription);
    broker.unsubscribe(subscription);
    expect(broker.size).to.equal(1);
    broker.publish(event('e1'));
    expect(sink.log).to.deep.equal([]);
  });

  it('keeps the other sinks of a selection when one unsubscribes', () => {
    const leaving = broker.subscribe(select('broadcast'), new RecordingSink());
    const staying = subscribe(['broadcast']);
    broker.publish(event('e1'));
    broker.unsubscribe(leaving);
    broker.publish(event('e2'));
    expect(staying.frames).to.deep.equal(['e1@broadcast', 'e2@broadcast']);
  });

  it('asks every sink to keep alive, dropping those that overflow or are closed', () => {
    const fine = subscribe();
    const slow = subscribe(['broadcast']);
    const gone = subscribe(['news']);
    slow.keepAliveAnswer = 'overflow';
    gone.keepAliveAnswer = 'closed';
    broker.keepAlive();
    expect([fine.keepAlives, slow.keepAlives, gone.keepAlives]).to.deep.equal([1, 1, 1]);
    expect(slow.closeReasons).to.deep.equal(['slow']);
    expect(gone.closeReasons).to.deep.equal([]);
    expect(observer.drops).to.deep.equal(['slow']);
    expect(broker.size).to.equal(1);
    broker.keepAlive();
    expect([fine.keepAlives, slow.keepAlives, gone.keepAlives]).to.deep.equal([2, 1, 1]);
  });

  it('closes every sink for shutdown and delivers nothing afterwards', () => {
    const sinks = [subscribe(), subscribe(), subscribe(['news']), subscribe(['rates.*'])];
    broker.closeAll();
    expect(sinks.map((s) => s.closeReasons)).to.deep.equal([['shutdown'], ['shutdown'], ['shutdown'], ['shutdown']]);
    expect(broker.size).to.equal(0);
    broker.publish(event('e1'));
    expect(sinks.every((s) => s.rawFrames.length === 0)).to.equal(true);
  });

  it('reports each event published once and the frames delivered, replayed ones included', () => {
    subscribe(['broadcast']);
    subscribe(['broad*']);
    subscribe(['news']);
    broker.publish(event('e1'));
    broker.publish(event('e2', 'nobody'));
    subscribe([], 'e0');
    expect(observer.publishedCount).to.equal(2);
    expect(observer.deliveries).to.deep.equal([2, 2]);
    expect(observer.totalDelivered).to.equal(4);
  });

  it('hands each group to its FanOut and drops what it reports only after the loop', () => {
    const calls: { frame: string; sinks: number; afterReports: number }[] = [];
    const reported = new Map<EventSink, Exclude<Delivery, 'sent'>>();
    const fanOut: FanOut = (frame, sinks, failed) => {
      const size = sinks.size;
      for (const [sink, delivery] of reported) if (sinks.has(sink)) failed(sink, delivery);
      // The set it loops over is left alone while it runs.
      calls.push({ frame: new TextDecoder().decode(frame), sinks: size, afterReports: sinks.size });
      return size - reported.size;
    };
    broker = new Broker(encode, 100, observer, undefined, fanOut);
    const [fine, slow, gone] = [subscribe(), subscribe(), subscribe()];
    reported.set(slow, 'overflow').set(gone, 'closed');
    broker.publish(event('e1'));
    expect(calls).to.deep.equal([{ frame: 'e1@broadcast', sinks: 3, afterReports: 3 }]);
    expect([fine.closed, slow.closeReasons, gone.closeReasons]).to.deep.equal([false, ['slow'], []]);
    expect(observer.drops).to.deep.equal(['slow']);
    expect(observer.deliveries).to.deep.equal([1]);
    expect(broker.size).to.equal(1);
    reported.clear();
    broker.publish(event('e2'));
    expect(calls[1]).to.deep.equal({ frame: 'e2@broadcast', sinks: 1, afterReports: 1 });
  });
});
