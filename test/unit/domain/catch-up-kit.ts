import { CatchUp, type CatchUpSettings } from '../../../src/domain/catch-up';
import type { ReplaySource, ReplayStep } from '../../../src/domain/replay-source';
import { Subscriber } from '../../../src/domain/subscriber';
import type { CloseReason, Frame } from '../../../src/domain/subscription';
import { RecordingSink } from '../../fakes/recording-sink';
import { audience } from './broker-kit';

const encoder = new TextEncoder();

/** A frame `<name>|`, padded with dots to `bytes` bytes when given. */
export function frame(name: string, bytes?: number): Frame {
  const text = bytes === undefined ? `${name}|` : `${name}${'.'.repeat(Math.max(0, bytes - name.length - 1))}|`;
  return encoder.encode(text);
}

/** The names of the frames a sink got, in order. */
export const names = (sink: RecordingSink): string[] =>
  sink.written
    .split('|')
    .filter((part) => part !== '')
    .map((part) => part.replace(/\.+$/, ''));

export const CATCH_UP: CatchUpSettings = {
  clientBufferBytes: 1 << 20,
  totalBufferBytes: 1 << 30,
  stallMs: 60_000,
};

/** A CatchUp whose hooks record what it asks, and act on it the way the Broker does. */
export class CatchUpKit {
  readonly catchUp: CatchUp;
  readonly caughtUp: Subscriber[] = [];
  readonly drops: [Subscriber, CloseReason | undefined][] = [];
  readonly failures: unknown[] = [];
  delivered = 0;
  now = 0;

  constructor(settings: Partial<CatchUpSettings> = {}) {
    this.catchUp = new CatchUp(
      { ...CATCH_UP, ...settings },
      {
        caughtUp: (subscriber) => {
          this.caughtUp.push(subscriber);
          this.catchUp.remove(subscriber);
        },
        drop: (subscriber, reason) => {
          this.drops.push([subscriber, reason]);
          subscriber.closed = true;
          this.catchUp.remove(subscriber);
          if (reason !== undefined) subscriber.sink.close(reason);
        },
        delivered: (events) => (this.delivered += events),
        failed: (error) => this.failures.push(error),
        now: () => this.now,
      },
    );
  }

  /** The reasons the subscriber was dropped with (undefined: it went away by itself). */
  dropsOf(subscriber: Subscriber): (CloseReason | undefined)[] {
    return this.drops.filter(([dropped]) => dropped === subscriber).map(([, reason]) => reason);
  }

  /** A subscriber that starts behind with `sources` (registered and resumed, as the Broker does). */
  replaying(
    sources: ReplaySource[],
    accepts?: number,
    expiresAt?: number,
  ): { sink: RecordingSink; subscriber: Subscriber } {
    const sink = new RecordingSink();
    sink.accepts = accepts;
    const subscriber = new Subscriber(audience(), sink, expiresAt);
    this.catchUp.start(subscriber, sources);
    this.catchUp.resume(subscriber);
    return { sink, subscriber };
  }

  /** A live subscriber whose last write left `queued` bytes in its transport: it falls behind. */
  fallenBehind(queued: number): { sink: RecordingSink; subscriber: Subscriber } {
    const sink = new RecordingSink();
    sink.accepts = 0;
    const subscriber = new Subscriber(audience(), sink);
    sink.write(frame('live', queued));
    this.catchUp.fellBehind(subscriber);
    return { sink, subscriber };
  }
}

/** A replay source the test scripts step by step; `wait` steps are answered by `ready()`. */
export class ScriptedSource implements ReplaySource {
  closed = false;
  private readyCallback: (() => void) | undefined;

  constructor(private readonly steps: ReplayStep[]) {}

  next(): ReplayStep {
    return this.steps.shift() ?? { kind: 'done' };
  }

  whenReady(ready: () => void): void {
    this.readyCallback = ready;
  }

  close(): void {
    this.closed = true;
  }

  /** Says the source has news (as a log read does when its batch arrives). */
  ready(): void {
    const ready = this.readyCallback;
    this.readyCallback = undefined;
    ready?.();
  }
}
