import { expect } from 'chai';
import { HUB_EVENT_NAMES, parseEventName, parseIdempotencyKey } from '../../../src/domain/event-name';

describe('event-name', () => {
  describe('parseEventName', () => {
    for (const name of ['headline', 'a', 'A-Z_a.z:0-9', 'x'.repeat(128)]) {
      it(`accepts ${JSON.stringify(name.slice(0, 20))}`, () => {
        expect(parseEventName(name)).to.deep.equal({ ok: true, value: name });
      });
    }

    for (const name of ['', 'two words', 'line\nbreak', 'x'.repeat(129), 'é']) {
      it(`refuses ${JSON.stringify(name.slice(0, 20))} as invalid-input`, () => {
        const parsed = parseEventName(name);
        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
      });
    }

    for (const name of ['reset', 'heartbeat', 'auth-expiring', 'unavailable']) {
      it(`refuses the hub's own name ${name}, saying it is reserved`, () => {
        const parsed = parseEventName(name);
        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.error).to.deep.include({ code: 'invalid-input' });
        if (!parsed.ok) expect(parsed.error.message).to.include('reserved');
      });
    }

    it('reserves exactly the names the hub sends', () => {
      expect([...HUB_EVENT_NAMES].sort()).to.deep.equal(['auth-expiring', 'heartbeat', 'reset', 'unavailable']);
    });
  });

  describe('parseIdempotencyKey', () => {
    it('accepts 1-128 characters of A-Za-z0-9._:-', () => {
      for (const key of ['k', 'order-42:retry.1_x', 'k'.repeat(128)]) {
        expect(parseIdempotencyKey(key)).to.deep.equal({ ok: true, value: key });
      }
    });

    it('refuses anything else as invalid-input', () => {
      for (const key of ['', 'k'.repeat(129), 'a b', 'a/b', 'ключ']) {
        const parsed = parseIdempotencyKey(key);
        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
      }
    });
  });
});
