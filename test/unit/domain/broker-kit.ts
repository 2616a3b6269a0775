import { Audience } from '../../../src/domain/audience';
import { Broker } from '../../../src/domain/broker';
import type { BrokerParts, BrokerSettings } from '../../../src/domain/broker-parts';
import type { CatchUpSettings } from '../../../src/domain/catch-up';
import { writeEachSink } from '../../../src/domain/fan-out-writer';
import type { ReplayStart } from '../../../src/domain/replay-plan';
import type { EventId, IdempotencyKey, JsonText, StreamEvent } from '../../../src/domain/stream-event';
import type { Subscriber } from '../../../src/domain/subscriber';
import type { Topic } from '../../../src/domain/topic';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { RecordingBrokerObserver } from '../../fakes/recording-broker-observer';
import { RecordingSink } from '../../fakes/recording-sink';
import { receivedFrom, TextFramer } from '../../fakes/text-framer';

export interface EventOptions {
  readonly topic?: string;
  readonly private?: boolean;
  /** The data is a JSON string of this many characters (so the frame is about that large). */
  readonly bytes?: number;
  readonly key?: string;
  readonly publishedAt?: number;
}

/** An event with a small JSON data, or one of about `bytes` bytes. */
export function event(id: string, options: EventOptions = {}): StreamEvent {
  const data = options.bytes === undefined ? `{"n":"${id}"}` : JSON.stringify('x'.repeat(options.bytes));
  return {
    id: id as EventId,
    topic: (options.topic ?? 'broadcast') as Topic,
    data: data as JsonText,
    publishedAt: options.publishedAt ?? 0,
    private: options.private ?? false,
    idempotencyKey: options.key as IdempotencyKey | undefined,
  };
}

/** A selection of topic filters; throws on a filter a test got wrong. */
export function selection(raws: readonly string[], everythingWhenEmpty = true): TopicSelection {
  const parsed = everythingWhenEmpty ? TopicSelection.parse(raws) : TopicSelection.of(raws);
  if (!parsed.ok) throw new Error(`test setup: ${raws.join(',')} should parse`);
  return parsed.value;
}

/** An audience of `topics` (none: everything) that may read the private events of `privateTopics`. */
export const audience = (topics: readonly string[] = [], privateTopics: readonly string[] = []): Audience =>
  new Audience(selection(topics), selection(privateTopics, false));

export const SETTINGS: BrokerSettings = {
  historySize: 100,
  historyBytes: 1 << 20,
  catchUp: {
    clientBufferBytes: 1 << 20,
    totalBufferBytes: 1 << 30,
    stallMs: 60_000,
  },
};

export interface KitOptions {
  readonly settings?: Partial<Omit<BrokerSettings, 'catchUp'>> & { catchUp?: Partial<CatchUpSettings> };
  readonly parts?: Partial<BrokerParts>;
  /** Flush only when the test calls `kit.flush()` (default: at once, inside fanOut). */
  readonly manualFlush?: boolean;
}

export interface SubscribeOptions {
  readonly topics?: readonly string[];
  readonly privateTopics?: readonly string[];
  readonly start?: ReplayStart;
  readonly expiresAt?: number;
  /** What the sink's transport takes before it queues (undefined: everything). */
  readonly accepts?: number;
}

/** A Broker on test parts (text frames, the plain writer, a clock the test moves) and the helpers to drive it. */
export class BrokerKit {
  readonly framer = new TextFramer();
  readonly observer = new RecordingBrokerObserver();
  readonly broker: Broker;
  now = 1_000_000;
  /** Flushes the scheduler was asked for and has not run (manualFlush). */
  private scheduled: (() => void)[] = [];

  constructor(options: KitOptions = {}) {
    const parts: BrokerParts = {
      framer: this.framer,
      observer: this.observer,
      writer: writeEachSink,
      schedule: options.manualFlush === true ? (flush) => this.scheduled.push(flush) : (flush) => flush(),
      now: () => this.now,
      ...options.parts,
    };
    const { catchUp, ...rest } = options.settings ?? {};
    this.broker = new Broker(parts, { ...SETTINGS, ...rest, catchUp: { ...SETTINGS.catchUp, ...catchUp } });
  }

  /** How many flushes the scheduler holds. */
  get flushesScheduled(): number {
    return this.scheduled.length;
  }

  /** Runs the flushes the scheduler was asked for. */
  flush(): void {
    const due = this.scheduled;
    this.scheduled = [];
    for (const run of due) run();
  }

  publish(...events: StreamEvent[]): void {
    for (const one of events) this.broker.fanOut(one);
  }

  /** Subscribes a new RecordingSink; throws when the Broker answers `busy`. */
  subscribe(options: SubscribeOptions = {}): { sink: RecordingSink; subscriber: Subscriber } {
    const sink = new RecordingSink();
    sink.accepts = options.accepts;
    const subscriber = this.broker.subscribe({
      audience: audience(options.topics, options.privateTopics),
      start: options.start ?? { kind: 'live' },
      expiresAt: options.expiresAt,
      open: () => sink,
    });
    if (subscriber === 'busy') throw new Error('test setup: the broker answered busy');
    return { sink, subscriber };
  }

  /** Subscribes and returns only the sink. */
  sink(options: SubscribeOptions = {}): RecordingSink {
    return this.subscribe(options).sink;
  }
}

/** What a sink received: event ids, and control messages as `!<name> <data>`. */
export const received = (sink: RecordingSink): string[] => receivedFrom(sink.written);

/** `e1` … `e<n>`. */
export const ids = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `e${from + i}`);
