import { expect } from 'chai';
import { BroadcastMessage } from '../../../src/application/broadcast-message.use-case';
import { RunState } from '../../../src/application/run-state';
import type { Grant } from '../../../src/domain/grant';
import { TopicSelection } from '../../../src/domain/topic-selection';
import { FIXED_NOW } from '../../fakes/fixed-clock';
import { BUS_DOWN } from '../../fakes/recording-event-bus';
import { sequenceId } from '../../fakes/sequence-id-generator';
import { selection } from '../domain/broker-kit';
import { BroadcastKit } from './broadcast-kit';
import { wireWithFakes } from './wire-with-fakes';

const grantTo = (...publish: string[]): Grant => ({
  subscribe: TopicSelection.nothing,
  publish: selection(publish, false),
});

const codeOf = async (outcome: ReturnType<BroadcastKit['execute']>): Promise<string> => {
  const settled = await outcome;
  return settled.ok ? 'ok' : settled.error.code;
};

describe('BroadcastMessage', () => {
  it('publishes {"message": …} on topic broadcast with the next id and the clock time', async () => {
    const kit = new BroadcastKit();
    const outcome = await kit.execute({ message: 'hello' });
    expect(outcome).to.deep.equal({ ok: true, value: { id: sequenceId(1) } });
    expect(kit.bus.published).to.deep.equal([
      {
        id: sequenceId(1),
        topic: 'broadcast',
        name: undefined,
        data: '{"message":"hello"}',
        publishedAt: FIXED_NOW,
        private: false,
        idempotencyKey: undefined,
      },
    ]);
    expect(kit.ids.times).to.deep.equal([FIXED_NOW]);
  });

  it('publishes on the topic and with the event name the caller gives', async () => {
    const kit = new BroadcastKit();
    await kit.execute({ topic: 'news.eu', event: 'headline' });
    expect(kit.bus.published[0]).to.include({ topic: 'news.eu', name: 'headline' });
  });

  for (const message of [null, 0, false, '', [1, 'a'], { nested: { deep: [null] } }, 'quote " and \n']) {
    it(`carries the message ${JSON.stringify(message)} as JSON text`, async () => {
      const kit = new BroadcastKit();
      await kit.execute({ message });
      expect(kit.bus.published[0]?.data).to.equal(JSON.stringify({ message }));
    });
  }

  for (const [what, input] of [
    ['an empty topic', { topic: '' }],
    ['a topic with a space', { topic: 'bad topic' }],
    ['a topic filter', { topic: 'rates.*' }],
    ['a topic of 129 characters', { topic: 'x'.repeat(129) }],
    ['an event name with a space', { event: 'two words' }],
    ['an event name with a line break', { event: 'line\nbreak' }],
    ["the hub's own event name reset", { event: 'reset' }],
    ["the hub's own event name auth-expiring", { event: 'auth-expiring' }],
    ['an Idempotency-Key with a space', { idempotencyKey: 'a b' }],
    ['an Idempotency-Key of 129 characters', { idempotencyKey: 'k'.repeat(129) }],
    ['"private": true without a JWT key', { private: true }],
  ] as const) {
    it(`refuses ${what} as invalid-input and publishes nothing`, async () => {
      const kit = new BroadcastKit();
      expect(await codeOf(kit.execute(input))).to.equal('invalid-input');
      expect(kit.bus.attempts).to.deep.equal([]);
      expect(kit.ids.times).to.deep.equal([]);
    });
  }

  it('publishes a private event when a JWT key is configured', async () => {
    const kit = new BroadcastKit({ privateAllowed: true });
    expect(await codeOf(kit.execute({ private: true }))).to.equal('ok');
    expect(kit.bus.published[0]?.private).to.equal(true);
  });

  it("refuses a topic the JWT's sse.publish does not cover as forbidden, and publishes one it covers", async () => {
    const kit = new BroadcastKit();
    expect(await codeOf(kit.execute({ topic: 'orders', grant: grantTo('news.*') }))).to.equal('forbidden');
    expect(kit.bus.attempts).to.deep.equal([]);
    expect(await codeOf(kit.execute({ topic: 'news.eu', grant: grantTo('news.*') }))).to.equal('ok');
    expect(await codeOf(kit.execute({ topic: 'orders' }))).to.equal('ok');
  });

  it('answers invalid input before the scope of the JWT (400 before 403)', async () => {
    const kit = new BroadcastKit();
    const grant = grantTo('news');
    expect(await codeOf(kit.execute({ topic: 'bad topic', grant }))).to.equal('invalid-input');
    expect(await codeOf(kit.execute({ topic: 'orders', event: 'reset', grant }))).to.equal('invalid-input');
    expect(await codeOf(kit.execute({ topic: 'orders', private: true, grant }))).to.equal('invalid-input');
  });

  it('answers unavailable (shutdown) once shutting down, after checking the input, and publishes nothing', async () => {
    const kit = new BroadcastKit();
    kit.accepting = false;
    expect(await codeOf(kit.execute({ topic: 'bad topic' }))).to.equal('invalid-input');
    expect(await codeOf(kit.execute({ topic: 'orders', grant: grantTo('news') }))).to.equal('forbidden');
    const outcome = await kit.execute();
    expect(outcome.ok).to.equal(false);
    if (!outcome.ok) expect(outcome.error).to.deep.include({ code: 'unavailable', reason: 'shutdown' });
    expect(kit.bus.attempts).to.deep.equal([]);
  });

  it('passes bus-unavailable through and reports nothing as accepted', async () => {
    const kit = new BroadcastKit();
    kit.bus.mode = 'unavailable';
    expect(await kit.execute()).to.deep.equal({ ok: false, error: BUS_DOWN });
    expect(kit.bus.attempts).to.have.length(1);
    expect(kit.bus.published).to.deep.equal([]);
  });

  describe('as wired by the container', () => {
    it('refuses private events without a JWT key, and every broadcast once the run state stops', async () => {
      const wired = wireWithFakes();
      const broadcast = wired.container.get(BroadcastMessage);
      const refused = await broadcast.execute({ message: 'x', private: true });
      expect(refused.ok).to.equal(false);
      if (!refused.ok) expect(refused.error.code).to.equal('invalid-input');
      wired.container.get(RunState).stop();
      const stopped = await broadcast.execute({ message: 'x' });
      expect(stopped.ok).to.equal(false);
      if (!stopped.ok) expect(stopped.error).to.deep.include({ code: 'unavailable', reason: 'shutdown' });
      expect(wired.bus.attempts).to.deep.equal([]);
    });
  });
});
