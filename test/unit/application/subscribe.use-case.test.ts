import { expect } from 'chai';
import { Subscribe, type SubscribeInput } from '../../../src/application/subscribe.use-case';
import { Broker } from '../../../src/domain/broker';
import type { EventId, StreamEvent } from '../../../src/domain/stream-event';
import type { Topic } from '../../../src/domain/topic';
import { RecordingSink } from '../../fakes/recording-sink';
import { wireWithFakes } from './wire-with-fakes';

const event = (id: string, topic = 'broadcast'): StreamEvent => ({
  id: id as EventId,
  topic: topic as Topic,
  data: { message: id },
  publishedAt: 0,
});

/** A Subscribe input that records how often `open` was called. */
const input = (
  topics: string[] = [],
  lastEventId?: string,
): SubscribeInput & { sink: RecordingSink; opens: number } => {
  const made = {
    topics,
    lastEventId,
    sink: new RecordingSink(),
    opens: 0,
    open: () => {
      made.opens += 1;
      return made.sink;
    },
  };
  return made;
};

/** The event ids of the recorded frames, so assertions do not depend on the wire format. */
/** Event ids in what the sink received, in order (a replay arrives as one frame holding several events). */
const ids = (sink: RecordingSink): string[] =>
  sink.frames.flatMap((f) => [...f.matchAll(/id: (\S+)/g)].map((m) => m[1]!));

describe('Subscribe', () => {
  let subscribe: Subscribe;
  let broker: Broker;

  const wire = (maxClients = 100, historySize = 100): void => {
    const { container } = wireWithFakes({ maxClients, historySize });
    subscribe = container.get(Subscribe);
    broker = container.get(Broker);
  };

  beforeEach(() => wire());

  it('registers the sink returned by open, which then receives matching events', () => {
    const client = input(['rates.*']);
    expect(subscribe.execute(client).ok).to.equal(true);
    broker.publish(event('e1', 'rates.BTC-USD'));
    broker.publish(event('e2', 'broadcast'));
    expect(client.opens).to.equal(1);
    expect(ids(client.sink)).to.deep.equal(['e1']);
    expect(broker.size).to.equal(1);
  });

  it('refuses an invalid topic as invalid-input without opening or registering anything', () => {
    const client = input(['broadcast', 'not valid']);
    const outcome = subscribe.execute(client);
    expect(outcome.ok).to.equal(false);
    if (!outcome.ok) expect(outcome.error.code).to.equal('invalid-input');
    expect(client.opens).to.equal(0);
    expect(broker.size).to.equal(0);
  });

  it('refuses with too-many-clients once MAX_CLIENTS streams are open, without opening', () => {
    wire(2);
    expect(subscribe.execute(input()).ok).to.equal(true);
    expect(subscribe.execute(input()).ok).to.equal(true);
    const third = input();
    const outcome = subscribe.execute(third);
    expect(outcome.ok).to.equal(false);
    if (!outcome.ok) expect(outcome.error.code).to.equal('too-many-clients');
    expect(third.opens).to.equal(0);
    expect(broker.size).to.equal(2);
  });

  it('accepts a client again once one has left', () => {
    wire(1);
    const first = subscribe.execute(input());
    if (first.ok) first.value();
    expect(subscribe.execute(input()).ok).to.equal(true);
  });

  it('treats an empty last event id as none: no reset, no replay', () => {
    broker.publish(event('e1'));
    const client = input([], '');
    subscribe.execute(client);
    expect(client.sink.log).to.deep.equal([]);
  });

  it('replays what followed a known last event id', () => {
    ['e1', 'e2', 'e3'].forEach((id) => broker.publish(event(id)));
    const client = input([], 'e1');
    subscribe.execute(client);
    expect(client.sink.resets).to.equal(0);
    expect(ids(client.sink)).to.deep.equal(['e2', 'e3']);
  });

  it('sends a reset then the whole matching history for an id the history lost', () => {
    wire(100, 2);
    ['e1', 'e2', 'e3'].forEach((id) => broker.publish(event(id)));
    const client = input([], 'e1');
    subscribe.execute(client);
    expect(client.sink.log[0]).to.equal('reset');
    expect(ids(client.sink)).to.deep.equal(['e2', 'e3']);
  });

  it('returns an unsubscribe that stops delivery and can be called twice', () => {
    const client = input();
    const other = input();
    const outcome = subscribe.execute(client);
    subscribe.execute(other);
    if (!outcome.ok) throw new Error('subscribe failed');
    outcome.value();
    outcome.value();
    expect(broker.size).to.equal(1);
    broker.publish(event('e1'));
    expect(client.sink.frames).to.deep.equal([]);
    expect(ids(other.sink)).to.deep.equal(['e1']);
  });
});
