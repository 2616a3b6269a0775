import { expect } from 'chai';
import fc from 'fast-check';
import type { ReplayStart } from '../../../src/domain/replay-plan';
import type { StreamEvent } from '../../../src/domain/stream-event';
import type { Subscriber } from '../../../src/domain/subscriber';
import type { RecordingSink } from '../../fakes/recording-sink';
import { audience, BrokerKit, event, received } from './broker-kit';
import { BrokerModel, mismatch, type ModelSubscriber } from './broker-model';

/** FUZZ_RUNS=5000 npx mocha test/unit/domain/broker.property.test.ts for a longer search. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const TOPICS = ['rates.A', 'rates.B', 'news', 'orders'];
const AUDIENCES: [topics: string[], privateTopics: string[]][] = [
  [[], []],
  [['rates.*'], []],
  [['news', 'rates.A'], ['news']],
  [[], ['rates.*', 'news']],
  [['orders'], ['orders']],
];

type StartChoice =
  { kind: 'live' | 'latest' } | { kind: 'after'; pick: number; known: boolean } | { kind: 'rewind'; count: number };

type Command =
  | { kind: 'publish'; topic: number; private: boolean; bytes: number }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'flush' | 'gap' }
  | { kind: 'subscribe'; audience: number; start: StartChoice; accepts: number | undefined }
  | { kind: 'transport' | 'drain'; pick: number; accepts: number | undefined }
  | { kind: 'unsubscribe'; pick: number }
  | { kind: 'tick'; advance: number };

interface Settings {
  readonly historySize: number;
  readonly historyBytes: number;
  readonly clientBufferBytes: number;
  readonly totalBufferBytes: number;
  readonly conflate: boolean;
}

const accepts = fc.option(fc.nat(300), { nil: undefined, freq: 2 });
const pick = fc.nat(1000);
const startChoice: fc.Arbitrary<StartChoice> = fc.oneof(
  fc.record({ kind: fc.constantFrom('live' as const, 'latest' as const) }),
  fc.record({ kind: fc.constant('after' as const), pick, known: fc.boolean() }),
  fc.record({ kind: fc.constant('rewind' as const), count: fc.integer({ min: 1, max: 40 }) }),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('publish' as const),
      topic: fc.nat(TOPICS.length - 1),
      private: fc.boolean(),
      bytes: fc.oneof(
        { weight: 2, arbitrary: fc.nat(40) },
        { weight: 1, arbitrary: fc.integer({ min: 2000, max: 30000 }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('flush' as const, 'gap' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      audience: fc.nat(AUDIENCES.length - 1),
      start: startChoice,
      accepts,
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('transport' as const, 'drain' as const), pick, accepts }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), advance: fc.constantFrom(0, 1000, 61_000) }),
  },
);
const settings: fc.Arbitrary<Settings> = fc.record({
  historySize: fc.integer({ min: 0, max: 30 }),
  historyBytes: fc.oneof(fc.constant(1 << 30), fc.integer({ min: 20_000, max: 200_000 })),
  clientBufferBytes: fc.oneof(fc.constant(1 << 30), fc.integer({ min: 20_000, max: 200_000 })),
  totalBufferBytes: fc.oneof(fc.constant(1 << 30), fc.integer({ min: 100_000, max: 1_000_000 })),
  conflate: fc.boolean(),
});

interface Client {
  readonly sink: RecordingSink;
  readonly subscriber: Subscriber;
  readonly model: ModelSubscriber;
  /** Its transport always took everything. */
  fast: boolean;
  left: boolean;
}

/** What the runs exercised, so a fuzz that checks nothing would fail. */
const seen = { completeWithEvents: 0, drops: 0, conflatedAway: 0, behind: 0 };

function run(config: Settings, commands: readonly Command[]): void {
  const conflates = config.conflate ? (topic: string): boolean => topic.startsWith('rates.') : undefined;
  const { historySize, historyBytes, clientBufferBytes, totalBufferBytes } = config;
  const kit = new BrokerKit({
    manualFlush: true,
    settings: { historySize, historyBytes, conflates, catchUp: { clientBufferBytes, totalBufferBytes } },
  });
  const model = new BrokerModel(historySize, historyBytes);
  const published: StreamEvent[] = [];
  const clients: Client[] = [];
  const clientAt = (n: number): Client | undefined => clients[n % Math.max(1, clients.length)];

  const startOf = (choice: StartChoice): ReplayStart => {
    if (choice.kind !== 'after') return choice;
    const known = published[choice.pick % Math.max(1, published.length)];
    return { kind: 'after', id: choice.known && known !== undefined ? known.id : `unknown${choice.pick}` };
  };

  for (const step of commands) {
    switch (step.kind) {
      case 'publish': {
        const id = `e${published.length + 1}`;
        const one = event(id, { topic: TOPICS[step.topic]!, private: step.private, bytes: step.bytes });
        published.push(one);
        model.publish(one);
        kit.publish(one);
        break;
      }
      case 'redeliver': {
        const again = published[step.pick % Math.max(1, published.length)];
        if (again !== undefined) (model.publish(again), kit.publish(again));
        break;
      }
      case 'flush':
        kit.flush();
        model.flush();
        break;
      case 'gap':
        kit.broker.signalGap();
        model.signalGap();
        break;
      case 'subscribe': {
        const [topics, privateTopics] = AUDIENCES[step.audience]!;
        const start = startOf(step.start);
        const mine = model.subscribe(audience(topics, privateTopics), start);
        const { sink, subscriber } = kit.subscribe({ topics, privateTopics, start, accepts: step.accepts });
        clients.push({ sink, subscriber, model: mine, fast: step.accepts === undefined, left: false });
        break;
      }
      case 'transport':
      case 'drain': {
        const client = clientAt(step.pick);
        if (client === undefined) break;
        if (step.accepts !== undefined) client.fast = false;
        if (step.kind === 'drain') client.sink.drain(step.accepts);
        else client.sink.accepts = step.accepts;
        break;
      }
      case 'unsubscribe': {
        const client = clientAt(step.pick);
        if (client === undefined) break;
        kit.broker.unsubscribe(client.subscriber);
        client.model.active = false;
        client.left = true;
        break;
      }
      case 'tick':
        kit.now += step.advance;
        kit.broker.tick();
        break;
    }
    seen.behind += kit.broker.behind;
  }

  kit.flush();
  model.flush();
  for (let round = 0; round < 3; round += 1) for (const client of clients) client.sink.drain();
  check(kit, model, clients, published, conflates);
}

function check(
  kit: BrokerKit,
  model: BrokerModel,
  clients: readonly Client[],
  published: readonly StreamEvent[],
  conflates: ((topic: string) => boolean) | undefined,
): void {
  const topics = new Map(published.map((one) => [one.id as string, one.topic as string]));
  const topicOf = (item: string): string | undefined => topics.get(item);
  const conflatable = (item: string): boolean => conflates?.(topicOf(item) ?? '') === true;
  for (const [n, client] of clients.entries()) {
    const got = received(client.sink);
    const complete = !client.sink.closed && !client.left;
    const wrong = mismatch(client.model.expected, got, conflatable, topicOf, complete);
    expect(wrong, `client #${n} (${client.sink.closeReasons.join() || 'open'}): ${wrong ?? ''}`).to.equal(undefined);
    if (client.fast) expect(client.sink.closeReasons, `client #${n} always read at once`).to.deep.equal([]);
    if (complete && client.model.expected.length > 0) seen.completeWithEvents += 1;
    seen.conflatedAway += client.model.expected.length - got.length;
  }
  const open = clients.filter((client) => !client.sink.closed && !client.left);
  expect(kit.broker.behind, 'clients still behind after every transport drained').to.equal(0);
  expect(kit.broker.size).to.equal(open.length);
  expect(kit.observer.fannedOutCount).to.equal(model.admitted);
  const eventsWritten = clients.flatMap((client) => received(client.sink)).filter((item) => !item.startsWith('!'));
  expect(kit.observer.totalDelivered, 'events counted as delivered').to.equal(eventsWritten.length);
  for (const reason of kit.observer.drops) expect(['slow', 'stalled', 'memory']).to.include(reason);
  seen.drops += kit.observer.drops.length;
}

describe('Broker (property)', () => {
  it('gives every client that is never dropped exactly what it may see from its start on, in fan-out order', () => {
    fc.assert(
      fc.property(settings, fc.array(command, { minLength: 5, maxLength: 80, size: 'max' }), (config, commands) =>
        run(config, commands),
      ),
      { numRuns: RUNS },
    );
    // The runs must have exercised what the property is about.
    expect(seen.completeWithEvents).to.be.greaterThan(RUNS / 4);
    expect(seen.behind).to.be.greaterThan(0);
    expect(seen.drops).to.be.greaterThan(0);
    expect(seen.conflatedAway).to.be.greaterThan(0);
  });
});
