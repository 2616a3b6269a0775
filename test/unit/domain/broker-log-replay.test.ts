import { expect } from 'chai';
import { Audience } from '../../../src/domain/audience';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { FakeEventLog, settle, type FakeLogRead } from '../../fakes/fake-event-log';
import { RecordingSink } from '../../fakes/recording-sink';
import { BrokerKit, event, received } from './broker-kit';

describe('Broker.subscribe with the bus log (stream mode)', () => {
  let log: FakeEventLog;
  let kit: BrokerKit;

  beforeEach(() => {
    log = new FakeEventLog();
    kit = new BrokerKit({ settings: { historySize: 3 }, parts: { log, droppedFromLog: (e) => e.id === 'dropped' } });
    for (let n = 1; n <= 5; n += 1) kit.publish(event(`e${n}`));
  });

  const onlyRead = (): FakeLogRead => {
    expect(log.reads).to.have.length(1);
    return log.reads[0]!;
  };

  it('replays a held id from the history without opening a read', () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e3' } });
    expect(received(sink)).to.deep.equal(['e4', 'e5']);
    expect(log.reads).to.deep.equal([]);
  });

  it('reads the log after an id older than the history, a batch at a time, then sends live events', async () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e0' } });
    const read = onlyRead();
    expect(read.afterId).to.equal('e0');
    expect(received(sink)).to.deep.equal([]);
    kit.publish(event('e6'));
    read.respond({ kind: 'events', events: [event('e1'), event('e2')] });
    await settle();
    expect(received(sink)).to.deep.equal(['e1', 'e2']);
    read.respond({ kind: 'events', events: [event('e3'), event('e4'), event('e5')] });
    await settle();
    read.respond({ kind: 'end' });
    await settle();
    expect(received(sink)).to.deep.equal(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(kit.broker.behind).to.equal(0);
    expect(read.closes).to.be.greaterThan(0);
  });

  it('sends from the log only what the subscriber may see, and no event the fan-out dropped as a repeat', async () => {
    const sink = kit.sink({ topics: ['broadcast'], start: { kind: 'after', id: 'e0' } });
    const read = onlyRead();
    const events = [
      event('e1'),
      event('p1', { private: true }),
      event('n1', { topic: 'news' }),
      event('dropped'),
      event('e2'),
    ];
    read.respond({ kind: 'events', events });
    await settle();
    read.respond({ kind: 'end' });
    await settle();
    expect(received(sink)).to.deep.equal(['e1', 'e2']);
  });

  it('falls back to a history-gap reset and the whole history (as it is then) when the log does not hold the id', async () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e0' } });
    kit.publish(event('e6')); // the history now holds e4 … e6
    onlyRead().respond({ kind: 'not-found' });
    await settle();
    kit.publish(event('e7'));
    expect(received(sink)).to.deep.equal([
      '!reset {"reason":"history-gap","lastEventId":"e0"}',
      'e4',
      'e5',
      'e6',
      'e7',
    ]);
    expect(onlyRead().closes).to.be.greaterThan(0);
  });

  it('answers an id that breaks the name rule with a history-gap reset without reading the log', () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'not an id' } });
    expect(log.reads).to.deep.equal([]);
    expect(received(sink)).to.deep.equal([
      '!reset {"reason":"history-gap","lastEventId":"not an id"}',
      'e3',
      'e4',
      'e5',
    ]);
  });

  it('drops the client with replay-failed when the read fails', async () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e0' } });
    onlyRead().respond({ kind: 'events', events: [event('e1')] });
    await settle();
    onlyRead().respond({ kind: 'failed' });
    await settle();
    expect(received(sink)).to.deep.equal(['e1']);
    expect(sink.closeReasons).to.deep.equal(['replay-failed']);
    expect(kit.observer.drops).to.deep.equal(['replay-failed']);
    expect(kit.broker.size).to.equal(0);
  });

  it('treats a read that rejects as failed', async () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e0' } });
    onlyRead().reject(new Error('adapter bug (fake)'));
    await settle();
    expect(sink.closeReasons).to.deep.equal(['replay-failed']);
  });

  it('answers busy when the log has too many reads, without opening the stream or registering it', () => {
    log.busy = true;
    let opened = 0;
    const outcome = kit.broker.subscribe({
      audience: new Audience(TopicSelection.everything),
      start: { kind: 'after', id: 'e0' },
      open: () => (opened++, new RecordingSink()),
    });
    expect(outcome).to.equal('busy');
    expect(opened).to.equal(0);
    expect(kit.broker.size).to.equal(0);
  });

  it('opens no read for a live, rewind or latest start', () => {
    kit.sink();
    kit.sink({ start: { kind: 'rewind', count: 2 } });
    kit.sink({ start: { kind: 'latest' } });
    expect(log.reads).to.deep.equal([]);
  });

  it('closes the read when the client goes away during the replay', async () => {
    const { subscriber } = kit.subscribe({ start: { kind: 'after', id: 'e0' } });
    const read = onlyRead();
    kit.broker.unsubscribe(subscriber);
    expect(read.closes).to.be.greaterThan(0);
    read.respond({ kind: 'events', events: [event('e1')] });
    await settle();
    expect(kit.broker.size).to.equal(0);
  });
});

describe('Broker with a client that is further on than this replica (ahead)', () => {
  let log: FakeEventLog;
  let kit: BrokerKit;

  beforeEach(() => {
    log = new FakeEventLog();
    kit = new BrokerKit({ settings: { historySize: 3 }, parts: { log } });
    for (let n = 1; n <= 3; n += 1) kit.publish(event(`e${n}`));
  });

  it('skips the live events the client already has, up to its id, then sends what follows', async () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e5' } });
    const read = log.reads[0]!;
    kit.publish(event('e4'));
    read.respond({ kind: 'ahead' });
    await settle();
    expect(received(sink), 'e4 is one the client has').to.deep.equal([]);
    kit.publish(event('e5'));
    kit.publish(event('e6'));
    await settle();
    expect(received(sink)).to.deep.equal(['e6']);
    kit.publish(event('e7'));
    expect(received(sink)).to.deep.equal(['e6', 'e7']);
    expect(kit.broker.behind, 'live again once past its id').to.equal(0);
  });

  it('drops what already waits when the answer comes after the client’s id did', async () => {
    const sink = kit.sink({ start: { kind: 'after', id: 'e5' } });
    const read = log.reads[0]!;
    for (const id of ['e4', 'e5', 'e6']) kit.publish(event(id));
    read.respond({ kind: 'ahead' });
    await settle();
    expect(received(sink)).to.deep.equal(['e6']);
  });

  it('gets heartbeats while its replay waits on the log, none while its backlog is being written', () => {
    const waiting = kit.sink({ start: { kind: 'after', id: 'e0' } });
    kit.broker.keepAlive();
    expect(waiting.keepAlives).to.equal(1);
    const slow = kit.sink({ accepts: 0 });
    kit.publish(event('e4'));
    kit.broker.keepAlive();
    expect(slow.keepAlives).to.equal(0);
  });
});
