import { expect } from 'chai';
import { Broker, type FlushScheduler } from '../../../src/domain/broker';
import type { EventId, StreamEvent } from '../../../src/domain/stream-event';
import type { Topic } from '../../../src/domain/topic';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { RecordingBrokerObserver } from '../../fakes/recording-broker-observer';
import { RecordingSink } from '../../fakes/recording-sink';

const event = (id: string, topic = 'broadcast'): StreamEvent => ({
  id: id as EventId,
  topic: topic as Topic,
  data: null,
  publishedAt: 0,
});

const select = (...raws: string[]): TopicSelection => {
  const parsed = TopicSelection.parse(raws);
  if (!parsed.ok) throw new Error('test setup: bad selection');
  return parsed.value;
};

describe('Broker batching', () => {
  let flushes: (() => void)[];
  let encodeCalls: number;
  let broker: Broker;
  let observer: RecordingBrokerObserver;
  /** A scheduler that runs nothing until the test says so. */
  const manual: FlushScheduler = (flush) => void flushes.push(flush);
  const runScheduled = (): void => flushes.splice(0).forEach((f) => f());
  const sink = (...topics: string[]): RecordingSink => {
    const s = new RecordingSink();
    broker.subscribe(select(...topics), s);
    return s;
  };

  beforeEach(() => {
    flushes = [];
    encodeCalls = 0;
    observer = new RecordingBrokerObserver();
    const encode = (e: StreamEvent): Uint8Array => (encodeCalls++, new TextEncoder().encode(`${e.id};`));
    broker = new Broker(encode, 10, observer, manual);
  });

  it('asks the scheduler once per batch and sends a batch to each client in one write', () => {
    const all = sink();
    const news = sink('news');
    broker.publish(event('e1'));
    broker.publish(event('e2', 'news'));
    broker.publish(event('e3'));
    expect(flushes).to.have.length(1);
    expect(all.rawFrames).to.have.length(0);
    runScheduled();
    expect(all.frames).to.deep.equal(['e1;e2;e3;']);
    expect(news.frames).to.deep.equal(['e2;']);
    expect(encodeCalls).to.equal(3);
    expect(observer.totalDelivered).to.equal(4);
  });

  it('hands every client of a group the very same bytes', () => {
    const [a, b] = [sink('broadcast'), sink('broadcast')];
    broker.publish(event('e1'));
    broker.publish(event('e2'));
    runScheduled();
    expect(a.rawFrames[0]).to.equal(b.rawFrames[0]);
  });

  it('delivers queued events to a client that subscribes before the flush, once', () => {
    broker.publish(event('e1'));
    const late = new RecordingSink();
    broker.subscribe(select(), late, 'e1');
    broker.publish(event('e2'));
    runScheduled();
    expect(late.frames).to.deep.equal(['e2;']);
  });

  it('replays queued events to a resuming client: subscribing flushes the queue first', () => {
    broker.publish(event('e1'));
    broker.publish(event('e2'));
    const resuming = new RecordingSink();
    broker.subscribe(select(), resuming, 'e1');
    runScheduled();
    expect(resuming.log).to.deep.equal(['deliver:e2;']);
  });

  it('delivers what is queued before it closes the streams for shutdown', () => {
    const client = sink();
    broker.publish(event('e1'));
    broker.closeAll();
    expect(client.log).to.deep.equal(['deliver:e1;', 'close:shutdown']);
  });
});
