import {
  BroadcastMessage,
  type BroadcastInput,
  type BroadcastSettings,
} from '../../../src/application/broadcast-message.use-case';
import { FanOutFromBus } from '../../../src/application/fan-out-from-bus';
import { KeyedPublishes } from '../../../src/application/keyed-publishes';
import type { PublishFailure, EventPublisher } from '../../../src/application/ports/event-publisher.port';
import { IdempotencyLedger } from '../../../src/domain/idempotency';
import { ok, type Result } from '../../../src/domain/result';
import type { StreamEvent } from '../../../src/domain/stream-event';
import { FixedClock } from '../../fakes/fixed-clock';
import { RecordingEventBus } from '../../fakes/recording-event-bus';
import { SequenceIdGenerator } from '../../fakes/sequence-id-generator';
import { BrokerKit } from '../domain/broker-kit';

/**
 * A publisher whose bus answers only when the test says so, and carries nothing back until it delivers:
 * a RabbitMQ confirm and the stream's echo, by hand.
 */
export class ManualPublisher implements EventPublisher {
  readonly attempts: StreamEvent[] = [];
  private readonly answers: ((result: Result<void, PublishFailure>) => void)[] = [];

  publish(event: StreamEvent): Promise<Result<void, PublishFailure>> {
    this.attempts.push(event);
    return new Promise((resolve) => this.answers.push(resolve));
  }

  /** The bus confirms the oldest publish still waiting. */
  confirm(): void {
    this.answers.shift()?.(ok(undefined));
  }
}

/** BroadcastMessage on fakes, its bus delivering back through FanOutFromBus (as the service wires them). */
export class BroadcastKit {
  readonly bus = new RecordingEventBus();
  readonly clock = new FixedClock();
  readonly ids = new SequenceIdGenerator();
  readonly ledger = new IdempotencyLedger(() => this.clock.now());
  readonly keyed = new KeyedPublishes();
  readonly brokerKit = new BrokerKit();
  readonly fromBus = new FanOutFromBus(this.brokerKit.broker, this.ledger, this.keyed);
  accepting = true;
  readonly broadcast: BroadcastMessage;

  constructor(settings: Partial<BroadcastSettings> = {}, publisher?: EventPublisher) {
    this.bus.listen(this.fromBus);
    const parts = { publisher: publisher ?? this.bus, ids: this.ids, clock: this.clock, ledger: this.ledger };
    this.broadcast = new BroadcastMessage(
      { ...parts, keyed: this.keyed },
      {
        privateAllowed: false,
        echoThroughBus: false,
        echoTimeoutMs: 5_000,
        accepting: () => this.accepting,
        ...settings,
      },
    );
  }

  execute(input: Partial<BroadcastInput> = {}): ReturnType<BroadcastMessage['execute']> {
    return this.broadcast.execute({ message: 'hi', ...input });
  }
}
