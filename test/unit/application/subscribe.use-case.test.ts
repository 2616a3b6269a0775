import { expect } from 'chai';
import { RunState } from '../../../src/application/run-state';
import { Subscribe, type SubscribeInput, type SubscribeLimits } from '../../../src/application/subscribe.use-case';
import type { DomainError } from '../../../src/domain/errors';
import type { Grant } from '../../../src/domain/grant';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { FakeEventLog } from '../../fakes/fake-event-log';
import { RecordingSink } from '../../fakes/recording-sink';
import { BrokerKit, event, received, selection } from '../domain/broker-kit';
import { wireWithFakes } from './wire-with-fakes';

describe('Subscribe', () => {
  let kit: BrokerKit;
  let log: FakeEventLog;
  let accepting: boolean;
  let opened: RecordingSink[];

  const subscribe = (limits: Partial<SubscribeLimits> = {}): Subscribe =>
    new Subscribe(kit.broker, { maxClients: 10, historySize: 100, accepting: () => accepting, ...limits });

  const input = (overrides: Partial<SubscribeInput> = {}): SubscribeInput => ({
    grant: undefined,
    topics: [],
    open: () => {
      const sink = new RecordingSink();
      opened.push(sink);
      return sink;
    },
    ...overrides,
  });

  const errorOf = (outcome: ReturnType<Subscribe['execute']>): DomainError => {
    if (outcome.ok) throw new Error('expected a failure');
    return outcome.error;
  };

  beforeEach(() => {
    log = new FakeEventLog();
    kit = new BrokerKit({ parts: { log } });
    accepting = true;
    opened = [];
  });

  it('opens the stream, registers it for its topics, and returns an unsubscribe that is safe twice', () => {
    const outcome = subscribe().execute(input({ topics: ['news'] }));
    expect(outcome.ok).to.equal(true);
    expect(opened).to.have.length(1);
    kit.publish(event('e1', { topic: 'news' }), event('e2'));
    expect(received(opened[0]!)).to.deep.equal(['e1']);
    if (!outcome.ok) return;
    outcome.value();
    outcome.value();
    expect(kit.broker.size).to.equal(0);
  });

  it('starts where the query says: after the Last-Event-ID, or with rewind', () => {
    kit.publish(event('e1'), event('e2'), event('e3'));
    subscribe().execute(input({ lastEventId: 'e1' }));
    subscribe().execute(input({ rewind: '1' }));
    expect(opened.map(received)).to.deep.equal([['e2', 'e3'], ['e3']]);
  });

  for (const [what, query] of [
    ['an invalid topic', { topics: ['bad topic'] }],
    ['65 topics', { topics: Array.from({ length: 65 }, (_, i) => `t${i}`) }],
    ['rewind and latest together', { rewind: '1', latest: '1' }],
    ['a rewind beyond HISTORY_SIZE', { rewind: '101' }],
  ] as const) {
    it(`refuses ${what} as invalid-input, opening nothing`, () => {
      expect(errorOf(subscribe().execute(input(query))).code).to.equal('invalid-input');
      expect(opened).to.deep.equal([]);
      expect(kit.broker.size).to.equal(0);
    });
  }

  it('turns streams away while shutting down, after checking the query', () => {
    accepting = false;
    expect(errorOf(subscribe().execute(input({ topics: ['bad topic'] }))).code).to.equal('invalid-input');
    expect(errorOf(subscribe({ maxClients: 0 }).execute(input()))).to.deep.include({
      code: 'unavailable',
      reason: 'shutdown',
    });
    expect(opened).to.deep.equal([]);
  });

  it('turns a stream away for capacity once MAX_CLIENTS streams are open', () => {
    const use = subscribe({ maxClients: 2 });
    use.execute(input());
    use.execute(input());
    log.busy = true;
    expect(errorOf(use.execute(input({ lastEventId: 'old' })))).to.deep.include({
      code: 'unavailable',
      reason: 'capacity',
    });
    expect(opened).to.have.length(2);
  });

  it('turns a stream away as busy when the bus log has too many replays running', () => {
    log.busy = true;
    expect(errorOf(subscribe().execute(input({ lastEventId: 'older-than-history' })))).to.deep.include({
      code: 'unavailable',
      reason: 'busy',
    });
    expect(opened).to.deep.equal([]);
    expect(kit.broker.size).to.equal(0);
  });

  it("lets private events reach only a subscriber whose grant's subscribe topics cover them", () => {
    const grant: Grant = { subscribe: selection(['orders.*'], false), publish: TopicSelection.nothing };
    subscribe().execute(input({ grant }));
    subscribe().execute(input());
    kit.publish(event('p1', { topic: 'orders.eu', private: true }), event('p2', { topic: 'news', private: true }));
    kit.publish(event('e3', { topic: 'news' }));
    expect(opened.map(received)).to.deep.equal([['p1', 'e3'], ['e3']]);
  });

  it("closes the stream when the grant's token expires", () => {
    const grant: Grant = {
      subscribe: TopicSelection.nothing,
      publish: TopicSelection.nothing,
      expiresAt: kit.now + 60_000,
    };
    subscribe().execute(input({ grant }));
    kit.now += 60_000;
    kit.broker.tick();
    expect(opened[0]!.closeReasons).to.deep.equal(['expired']);
  });

  describe('as wired by the container', () => {
    it('takes MAX_CLIENTS from the config and stops taking streams once the run state stops', () => {
      const wired = wireWithFakes({ maxClients: 1 });
      const use = wired.container.get(Subscribe);
      expect(use.execute(input()).ok).to.equal(true);
      expect(errorOf(use.execute(input()))).to.deep.include({ reason: 'capacity' });
      wired.container.get(RunState).stop();
      expect(errorOf(use.execute(input()))).to.deep.include({ reason: 'shutdown' });
    });
  });
});
