import { expect } from 'chai';
import type { StreamEvent } from '../../src/domain/stream-event';
import { StreamFixture, ulidEvent } from '../support/amqp-stream-fixture';
import { requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';

/** An event with an idempotency key. */
const keyed = (label: string, key: string): StreamEvent => ({ ...ulidEvent(label), idempotencyKey: key as never });

/** Waits until the clock reads `ms` (stream timestamps are broker time, in whole seconds). */
const until = (ms: number): Promise<void> =>
  eventually(() => Date.now() >= ms, `the clock to reach ${new Date(ms).toISOString()}`, ms - Date.now() + 2_000, 50);

/**
 * A replica that starts late judges repeats among the first events it loads as the replicas that saw them
 * live did: it reads the idempotency window before its history too (recalled: judged, never delivered).
 * The window is scaled down to seconds here (the history window, which the service sets to the
 * idempotency window).
 */
describe('AmqpEventBus stream warm-up: the window before the history', function () {
  this.timeout(30_000);
  requireRabbitMq();

  let fixture: StreamFixture;
  beforeEach(async () => {
    fixture = await StreamFixture.open();
    await fixture.bus({}, {}, false).bus.start(); // declares the stream
  });
  afterEach(() => fixture.dispose());

  it('recalls the window before a history that starts at the time window', async () => {
    const t0 = Date.now();
    const first = keyed('first', 'k');
    await fixture.publish([first]);
    await until(t0 + 2_000);
    const repeat = keyed('repeat', 'k');
    await fixture.publish([repeat]);
    await until(t0 + 4_000);

    // The history starts 2.5 s back: at the repeat, after the first.
    const late = fixture.bus({ historySize: 0, historyWindowMs: 2_500, clockMarginMs: 0 });
    await late.bus.start();
    await eventually(() => late.bus.readiness().ready, 'ready');
    expect(late.recalled).to.deep.equal([first.id]);
    expect(late.events()).to.deep.equal([repeat.id]);
  });

  it('recalls the window before a history that starts N events back, from the publish time of its first', async () => {
    const t0 = Date.now();
    const first = keyed('first', 'k');
    await fixture.publish([first]);
    await until(t0 + 1_500);
    const [other, repeat] = [ulidEvent('other'), keyed('repeat', 'k')];
    await fixture.publish([other, repeat]);
    await until(t0 + 6_000);

    // Nothing in the last 3 s: the history is the last 2 events, and the window is 3 s before the first of them.
    const late = fixture.bus({ historySize: 2, historyWindowMs: 3_000, clockMarginMs: 0 });
    await late.bus.start();
    await eventually(() => late.bus.readiness().ready, 'ready');
    expect(late.recalled).to.deep.equal([first.id]);
    expect(late.events()).to.deep.equal([other.id, repeat.id]);
  });
});
