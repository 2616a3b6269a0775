import { expect } from 'chai';
import { IDEMPOTENCY_WINDOW_MS, IdempotencyLedger } from '../../../src/domain/idempotency';
import { event } from './broker-kit';

const MIN = 60_000;
const keyed = (id: string, key: string, publishedAt: number): ReturnType<typeof event> =>
  event(id, { key, publishedAt });

/** A ledger on a clock the test moves. */
function ledgerAt(start = 0): { ledger: IdempotencyLedger; clock: { now: number } } {
  const clock = { now: start };
  return { ledger: new IdempotencyLedger(() => clock.now), clock };
}

describe('IdempotencyLedger', () => {
  it('admits the first event with a key and remembers its id', () => {
    const { ledger } = ledgerAt();
    expect(ledger.firstId('k', 0)).to.equal(undefined);
    expect(ledger.admit(keyed('e1', 'k', 0))).to.equal(true);
    expect(ledger.firstId('k', 0)).to.equal('e1');
    expect(ledger.wasDropped('e1')).to.equal(false);
  });

  it('drops a repeat of the key within 10 minutes of the first by publish time, and remembers it dropped it', () => {
    const { ledger } = ledgerAt();
    ledger.admit(keyed('e1', 'k', 0));
    expect(IDEMPOTENCY_WINDOW_MS).to.equal(10 * MIN);
    expect(ledger.admit(keyed('e2', 'k', 10 * MIN - 1))).to.equal(false);
    expect(ledger.wasDropped('e2')).to.equal(true);
    expect(ledger.firstId('k', 0)).to.equal('e1');
  });

  it('admits the key again from 10 minutes after the first, as a new first', () => {
    const { ledger } = ledgerAt();
    ledger.admit(keyed('e1', 'k', 0));
    expect(ledger.admit(keyed('e2', 'k', 10 * MIN))).to.equal(true);
    expect(ledger.firstId('k', 0)).to.equal('e2');
    expect(ledger.admit(keyed('e3', 'k', 15 * MIN))).to.equal(false);
  });

  it('admits a redelivery of the first event itself (the Broker skips it by id)', () => {
    const { ledger } = ledgerAt();
    ledger.admit(keyed('e1', 'k', 0));
    expect(ledger.admit(keyed('e1', 'k', 0))).to.equal(true);
    expect(ledger.wasDropped('e1')).to.equal(false);
  });

  it('admits every event without a key, and keeps keys apart', () => {
    const { ledger } = ledgerAt();
    expect(ledger.admit(event('e1'))).to.equal(true);
    expect(ledger.admit(event('e1'))).to.equal(true);
    ledger.admit(keyed('a1', 'a', 0));
    expect(ledger.admit(keyed('b1', 'b', 1))).to.equal(true);
    expect(ledger.firstId('a', 0)).to.equal('a1');
    expect(ledger.firstId('b', 0)).to.equal('b1');
  });

  it("forgets a key 20 minutes after it arrived, by this replica's clock", () => {
    const { ledger, clock } = ledgerAt();
    ledger.admit(keyed('e1', 'k', 0));
    clock.now = 20 * MIN - 1;
    ledger.admit(event('other'));
    expect(ledger.firstId('k', 0)).to.equal('e1');
    clock.now = 20 * MIN;
    ledger.admit(event('later'));
    expect(ledger.firstId('k', 0)).to.equal(undefined);
  });

  it('still drops repeats after an event stamped far in the future (an untrusted publish time forgets nothing)', () => {
    const { ledger } = ledgerAt();
    ledger.admit(keyed('e1', 'k', 0));
    expect(ledger.admit(keyed('future', 'j', 1e15))).to.equal(true);
    expect(ledger.admit(keyed('e2', 'k', 1))).to.equal(false);
    expect(ledger.firstId('k', 1)).to.equal('e1');
  });

  it('judges the window from a given time, for a publisher whose bus was quiet since', () => {
    const { ledger } = ledgerAt();
    ledger.admit(keyed('e1', 'k', 0));
    expect(ledger.firstId('k', 10 * MIN - 1)).to.equal('e1');
    expect(ledger.firstId('k', 10 * MIN)).to.equal(undefined);
  });

  it('makes the same decisions for the same sequence of events (as every replica does)', () => {
    const sequence = [keyed('e1', 'k', 0), keyed('e2', 'k', 5), keyed('e3', 'j', 6), keyed('e4', 'k', 11 * MIN)];
    const decisions = (): boolean[] => {
      const { ledger } = ledgerAt();
      return sequence.map((e) => ledger.admit(e));
    };
    expect(decisions()).to.deep.equal([true, false, true, true]);
    expect(decisions()).to.deep.equal(decisions());
  });
});
