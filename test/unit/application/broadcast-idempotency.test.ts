import { expect } from 'chai';
import { BroadcastMessage } from '../../../src/application/broadcast-message.use-case';
import { FanOutFromBus } from '../../../src/application/fan-out-from-bus';
import { FIXED_NOW } from '../../fakes/fixed-clock';
import { BUS_DOWN } from '../../fakes/recording-event-bus';
import { sequenceId } from '../../fakes/sequence-id-generator';
import { settle } from '../../fakes/fake-event-log';
import { event } from '../domain/broker-kit';
import { BroadcastKit, ManualPublisher } from './broadcast-kit';
import { wireWithFakes } from './wire-with-fakes';

const MIN = 60_000;
const idOf = async (outcome: ReturnType<BroadcastKit['execute']>): Promise<string> => {
  const settled = await outcome;
  if (!settled.ok) throw new Error(`expected an id, got ${settled.error.code}`);
  return settled.value.id;
};

describe('BroadcastMessage with an Idempotency-Key', () => {
  it('answers a key seen within 10 minutes with the first id, publishing nothing', async () => {
    const kit = new BroadcastKit();
    expect(await idOf(kit.execute({ idempotencyKey: 'k', message: 1 }))).to.equal(sequenceId(1));
    kit.clock.advance(10 * MIN - 1);
    expect(await idOf(kit.execute({ idempotencyKey: 'k', message: 2 }))).to.equal(sequenceId(1));
    expect(kit.bus.attempts).to.have.length(1);
    expect(kit.bus.published[0]?.idempotencyKey).to.equal('k');
  });

  it('publishes the key again 10 minutes after the first, while the bus carries other events', async () => {
    const kit = new BroadcastKit();
    await kit.execute({ idempotencyKey: 'k' });
    kit.clock.advance(10 * MIN);
    await kit.execute();
    expect(await idOf(kit.execute({ idempotencyKey: 'k' }))).to.equal(sequenceId(3));
  });

  it('publishes the key again 10 minutes after the first, even when the bus carried nothing since', async () => {
    const kit = new BroadcastKit();
    await kit.execute({ idempotencyKey: 'k' });
    kit.clock.advance(10 * MIN);
    expect(await idOf(kit.execute({ idempotencyKey: 'k' }))).to.equal(sequenceId(2));
    expect(kit.bus.published).to.have.length(2);
  });

  it('publishes keys apart from each other, and unkeyed broadcasts every time', async () => {
    const kit = new BroadcastKit();
    const ids = [
      await idOf(kit.execute({ idempotencyKey: 'a' })),
      await idOf(kit.execute({ idempotencyKey: 'b' })),
      await idOf(kit.execute()),
      await idOf(kit.execute()),
    ];
    expect(ids).to.deep.equal([1, 2, 3, 4].map(sequenceId));
  });

  it('publishes once for concurrent calls with one key, and answers them all with its id', async () => {
    const publisher = new ManualPublisher();
    const kit = new BroadcastKit({}, publisher);
    const calls = [kit.execute({ idempotencyKey: 'k' }), kit.execute({ idempotencyKey: 'k' })];
    await settle();
    expect(publisher.attempts).to.have.length(1);
    publisher.confirm();
    expect(await Promise.all(calls.map(idOf))).to.deep.equal([sequenceId(1), sequenceId(1)]);
  });

  it('answers a repeat with the first id while the first is confirmed but not back from the bus yet', async () => {
    // AMQP_QUEUE=exclusive: the confirm comes before the event is back through this replica's queue.
    const publisher = new ManualPublisher();
    const kit = new BroadcastKit({}, publisher);
    const first = kit.execute({ idempotencyKey: 'k' });
    await settle();
    publisher.confirm();
    expect(await idOf(first)).to.equal(sequenceId(1));
    expect(await idOf(kit.execute({ idempotencyKey: 'k' }))).to.equal(sequenceId(1));
    expect(publisher.attempts, 'the repeat published nothing').to.have.length(1);
    const sink = kit.brokerKit.sink();
    kit.fromBus.event(publisher.attempts[0]!);
    expect(sink.rawFrames, 'the first is still delivered when it comes back').to.have.length(1);
  });

  it('lets a retry publish after a publish the bus refused', async () => {
    const kit = new BroadcastKit();
    kit.bus.mode = 'unavailable';
    expect(await kit.execute({ idempotencyKey: 'k' })).to.deep.equal({ ok: false, error: BUS_DOWN });
    kit.bus.mode = 'accept';
    expect(await idOf(kit.execute({ idempotencyKey: 'k' }))).to.equal(sequenceId(2));
  });

  describe('answered once its event is back from the bus (stream mode)', () => {
    it('waits for the event to come back, not just for the confirm', async () => {
      const publisher = new ManualPublisher();
      const kit = new BroadcastKit({ echoThroughBus: true }, publisher);
      let answered = false;
      const call = kit.execute({ idempotencyKey: 'k' }).then((outcome) => ((answered = true), outcome));
      await settle();
      publisher.confirm();
      await settle();
      expect(answered).to.equal(false);
      kit.fromBus.event(publisher.attempts[0]!);
      expect(await idOf(call)).to.equal(sequenceId(1));
    });

    it("answers with the first event's id, once its own is back, when another replica's came first", async () => {
      const publisher = new ManualPublisher();
      const kit = new BroadcastKit({ echoThroughBus: true }, publisher);
      let answered = false;
      const call = kit.execute({ idempotencyKey: 'k' }).then((outcome) => ((answered = true), outcome));
      await settle();
      kit.fromBus.event(event('elsewhere', { key: 'k', publishedAt: FIXED_NOW - 1 }));
      publisher.confirm();
      await settle();
      expect(answered, 'before its own event is back').to.equal(false);
      const sink = kit.brokerKit.sink();
      kit.fromBus.event(publisher.attempts[0]!);
      expect(await idOf(call)).to.equal('elsewhere');
      expect(sink.rawFrames, 'the repeat is not delivered').to.have.length(0);
    });

    it('catches an event that comes back before the publish resolves', async () => {
      const kit = new BroadcastKit({ echoThroughBus: true });
      expect(await idOf(kit.execute({ idempotencyKey: 'k' }))).to.equal(sequenceId(1));
    });

    it('answers bus-unavailable, saying to retry with the key, when the event does not come back in time', async () => {
      const publisher = new ManualPublisher();
      const kit = new BroadcastKit({ echoThroughBus: true, echoTimeoutMs: 10 }, publisher);
      const call = kit.execute({ idempotencyKey: 'k' });
      await settle();
      publisher.confirm();
      const outcome = await call;
      expect(outcome.ok).to.equal(false);
      if (!outcome.ok) expect(outcome.error).to.deep.include({ code: 'bus-unavailable', retryAfterSeconds: 1 });
      if (!outcome.ok) expect(outcome.error.message).to.include('Idempotency-Key');
    });

    it('answers the bus failure at once when the publish itself fails, and stops waiting for the echo', async () => {
      const kit = new BroadcastKit({ echoThroughBus: true, echoTimeoutMs: 2_000 });
      const waits: Promise<string | undefined>[] = [];
      const echo = kit.keyed.echo.bind(kit.keyed);
      kit.keyed.echo = (id, timeoutMs) => {
        const started = echo(id, timeoutMs);
        waits.push(started.delivered);
        return started;
      };
      kit.bus.mode = 'unavailable';
      expect(await kit.execute({ idempotencyKey: 'k' })).to.deep.equal({ ok: false, error: BUS_DOWN });
      const state = await Promise.race([waits[0]!.then(() => 'stopped'), settle().then(() => 'still waiting')]);
      expect(state).to.equal('stopped');
    });
  });

  describe('as wired by the container', () => {
    it('shares one ledger between the broadcasts and the fan-out from the bus', async () => {
      const wired = wireWithFakes();
      wired.bus.listen(wired.container.get(FanOutFromBus));
      const broadcast = wired.container.get(BroadcastMessage);
      const first = await broadcast.execute({ message: 1, idempotencyKey: 'k' });
      const again = await broadcast.execute({ message: 2, idempotencyKey: 'k' });
      expect(again).to.deep.equal(first);
      expect(wired.bus.attempts).to.have.length(1);
    });
  });
});
