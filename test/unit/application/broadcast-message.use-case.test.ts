import { expect } from 'chai';
import { BroadcastMessage } from '../../../src/application/broadcast-message.use-case';
import { FIXED_NOW } from '../../fakes/fixed-clock';
import { BUS_DOWN } from '../../fakes/recording-event-bus';
import { sequenceId } from '../../fakes/sequence-id-generator';
import { wireWithFakes, type Wired } from './wire-with-fakes';

describe('BroadcastMessage', () => {
  let wired: Wired;
  let broadcast: BroadcastMessage;

  beforeEach(() => {
    wired = wireWithFakes();
    broadcast = wired.container.get(BroadcastMessage);
  });

  it('publishes {"message": …} on topic broadcast with the next id and the clock time', async () => {
    const outcome = await broadcast.execute({ message: 'hello' });
    expect(outcome).to.deep.equal({ ok: true, value: { id: sequenceId(1) } });
    expect(wired.bus.published).to.deep.equal([
      { id: sequenceId(1), topic: 'broadcast', name: undefined, data: { message: 'hello' }, publishedAt: FIXED_NOW },
    ]);
    expect(wired.ids.times).to.deep.equal([FIXED_NOW]);
  });

  it('assigns each broadcast a new id from the generator, in publish order', async () => {
    await broadcast.execute({ message: 1 });
    wired.clock.advance(5);
    const second = await broadcast.execute({ message: 2 });
    expect(second).to.deep.equal({ ok: true, value: { id: sequenceId(2) } });
    expect(wired.bus.published.map((e) => [e.id, e.publishedAt])).to.deep.equal([
      [sequenceId(1), FIXED_NOW],
      [sequenceId(2), FIXED_NOW + 5],
    ]);
  });

  it('publishes on the topic and with the event name the caller gives', async () => {
    await broadcast.execute({ message: 'x', topic: 'news.eu', event: 'headline' });
    const [published] = wired.bus.published;
    expect(published).to.include({ topic: 'news.eu', name: 'headline' });
  });

  for (const message of [null, 0, false, '', [1, 'a'], { nested: { deep: [null] } }]) {
    it(`carries the message ${JSON.stringify(message)} unchanged`, async () => {
      await broadcast.execute({ message });
      expect(wired.bus.published[0]?.data).to.deep.equal({ message });
    });
  }

  for (const input of [{ topic: '' }, { topic: 'bad topic' }, { topic: 'rates.*' }, { topic: 'x'.repeat(129) }]) {
    it(`refuses the topic ${JSON.stringify(input.topic.slice(0, 20))} as invalid-input and publishes nothing`, async () => {
      const outcome = await broadcast.execute({ message: 'x', ...input });
      expect(outcome.ok).to.equal(false);
      if (!outcome.ok) expect(outcome.error.code).to.equal('invalid-input');
      expect(wired.bus.attempts).to.deep.equal([]);
      expect(wired.ids.times).to.deep.equal([]);
    });
  }

  for (const event of ['', 'two words', 'line\nbreak', 'x'.repeat(129)]) {
    it(`refuses the event name ${JSON.stringify(event.slice(0, 20))} as invalid-input and publishes nothing`, async () => {
      const outcome = await broadcast.execute({ message: 'x', event });
      expect(outcome.ok).to.equal(false);
      if (!outcome.ok) expect(outcome.error.code).to.equal('invalid-input');
      expect(wired.bus.attempts).to.deep.equal([]);
    });
  }

  it('passes bus-unavailable through and reports nothing as accepted', async () => {
    wired.bus.mode = 'unavailable';
    const outcome = await broadcast.execute({ message: 'x' });
    expect(outcome).to.deep.equal({ ok: false, error: BUS_DOWN });
    expect(wired.bus.attempts).to.have.length(1);
    expect(wired.bus.published).to.deep.equal([]);
  });
});
