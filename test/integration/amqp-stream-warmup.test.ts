import { expect } from 'chai';
import { StreamFixture, ulidEvent } from '../support/amqp-stream-fixture';
import { requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';

/**
 * A window that starts in the future: no chunk is that recent, so only the
 * last N events count (as if every event were older than the window).
 */
const NO_WINDOW = { historyWindowMs: 0, clockMarginMs: -3_600_000 };

describe('AmqpEventBus stream warm-up', function () {
  this.timeout(30_000);
  requireRabbitMq();

  let fixture: StreamFixture;
  beforeEach(async () => (fixture = await StreamFixture.open()));
  afterEach(() => fixture.dispose());

  /** Declares the stream (a publish-only bus) and fills it with `count` events; their ids in stream order. */
  async function filled(count: number): Promise<string[]> {
    const publisher = fixture.bus({}, {}, false);
    await publisher.bus.start();
    const events = Array.from({ length: count }, (_, n) => ulidEvent(`history ${n}`));
    await fixture.publish(events);
    return events.map((e) => e.id);
  }

  it('hands on the last N events, in stream order, before it says ready', async () => {
    const published = await filled(40);
    const cold = fixture.bus({ historySize: 15, ...NO_WINDOW });
    await cold.bus.start();
    await eventually(() => cold.bus.readiness().ready, 'ready');
    expect(cold.events()).to.deep.equal(published.slice(-15));
    expect(cold.heardUnready, 'every history event was heard before ready').to.deep.equal(published.slice(-15));

    const live = ulidEvent('live');
    await fixture.publish([live]);
    await eventually(() => cold.events().includes(live.id), 'the live event');
    expect(cold.events()).to.deep.equal([...published.slice(-15), live.id]);
  });

  it('hands on every event of the last W ms before it says ready, when that is more than N', async () => {
    const published = await filled(40);
    const cold = fixture.bus({ historySize: 3, historyWindowMs: 600_000 });
    await cold.bus.start();
    await eventually(() => cold.bus.readiness().ready, 'ready');
    expect(cold.events()).to.deep.equal(published);
    expect(cold.heardUnready).to.deep.equal(published);
  });

  it('says why it is not ready while it loads', async () => {
    await filled(5);
    const cold = fixture.bus({ historySize: 5, ...NO_WINDOW }, { prefetch: 1 });
    const reasons: string[] = [];
    cold.bus.listen({
      event: () => {
        const readiness = cold.bus.readiness();
        if (!readiness.ready) reasons.push(readiness.reason);
      },
      gap: () => undefined,
    });
    await cold.bus.start();
    await eventually(() => cold.bus.readiness().ready, 'ready');
    // The first deliveries may come in the same read as the consume-ok, before the session is handed over.
    expect(reasons).to.have.length(5);
    const loading = reasons.filter((reason) => reason.startsWith('loading'));
    expect(loading.at(-1)).to.equal(`loading history from the stream ${fixture.stream} (1 to go)`);
    expect(reasons.slice(-loading.length)).to.deep.equal(loading);
  });

  it('starts on an empty stream, and on one with fewer events than N', async () => {
    const empty = fixture.bus({ historySize: 1_000 });
    await empty.bus.start();
    await eventually(() => empty.bus.readiness().ready, 'ready on an empty stream');
    expect(empty.events()).to.deep.equal([]);

    const few = [ulidEvent('one'), ulidEvent('two')];
    await fixture.publish(few);
    const second = fixture.bus({ historySize: 1_000, ...NO_WINDOW });
    await second.bus.start();
    await eventually(() => second.bus.readiness().ready, 'ready with 2 of 1,000');
    expect(second.events()).to.deep.equal(few.map((e) => e.id));
  });

  it('reports its offset, and no lag once caught up', async () => {
    await filled(10);
    const cold = fixture.bus({ historySize: 10, ...NO_WINDOW });
    await cold.bus.start();
    await eventually(() => cold.bus.readiness().ready, 'ready');
    const metrics = () => cold.metrics.registry.metrics();
    // Offsets 0-9 are the events; its own probes follow them (the tail's, then the window's before the
    // history), and are processed (skipped) too.
    await eventually(async () => /^sse_stream_offset 11$/m.test(await metrics()), 'offset 11');
    expect(await metrics()).to.match(/^sse_stream_lag_messages 0$/m);
  });
});
