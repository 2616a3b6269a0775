import { expect } from 'chai';
import { FanOutFromBus } from '../../../src/application/fan-out-from-bus';
import { KeyedPublishes } from '../../../src/application/keyed-publishes';
import { IdempotencyLedger } from '../../../src/domain/idempotency';
import { BrokerKit, event, received } from '../domain/broker-kit';

describe('FanOutFromBus', () => {
  let kit: BrokerKit;
  let ledger: IdempotencyLedger;
  let keyed: KeyedPublishes;
  let fromBus: FanOutFromBus;

  beforeEach(() => {
    kit = new BrokerKit();
    ledger = new IdempotencyLedger(() => 0);
    keyed = new KeyedPublishes();
    fromBus = new FanOutFromBus(kit.broker, ledger, keyed);
  });

  it('fans out every event from the bus, in the bus order', () => {
    const sink = kit.sink();
    for (const id of ['e3', 'e1', 'e2']) fromBus.event(event(id));
    expect(received(sink)).to.deep.equal(['e3', 'e1', 'e2']);
  });

  it('drops a repeat of an idempotency key within 10 minutes, and remembers it dropped it', () => {
    const sink = kit.sink();
    fromBus.event(event('e1', { key: 'k', publishedAt: 0 }));
    fromBus.event(event('e2', { key: 'k', publishedAt: 60_000 }));
    fromBus.event(event('e3', { key: 'j', publishedAt: 60_000 }));
    expect(received(sink)).to.deep.equal(['e1', 'e3']);
    expect(ledger.wasDropped('e2')).to.equal(true);
  });

  it('answers a keyed broadcast waiting for its event with the id delivered for its key', async () => {
    const own = keyed.echo('e1', 5_000).delivered;
    fromBus.event(event('e1', { key: 'k' }));
    expect(await own).to.equal('e1');
  });

  it("answers a repeat's broadcast with the first event's id", async () => {
    fromBus.event(event('e1', { key: 'k' }));
    const repeat = keyed.echo('e2', 5_000).delivered;
    fromBus.event(event('e2', { key: 'k' }));
    expect(await repeat).to.equal('e1');
  });

  it('answers a keyed broadcast with its own event, not an older one of its key still on its way', async () => {
    const own = keyed.echo('e2', 5_000).delivered;
    // Published 11 minutes before: a replica catching up meets it only now, after e2 was published.
    fromBus.event(event('e0', { key: 'k', publishedAt: 0 }));
    fromBus.event(event('e2', { key: 'k', publishedAt: 660_000 }));
    expect(await own).to.equal('e2');
  });

  it('judges with a recalled event but delivers none: a repeat of it is dropped', () => {
    const sink = kit.sink();
    fromBus.recall(event('e1', { key: 'k', publishedAt: 0 }));
    fromBus.event(event('e2', { key: 'k', publishedAt: 60_000 }));
    fromBus.event(event('e3', { key: 'j', publishedAt: 60_000 }));
    expect(received(sink)).to.deep.equal(['e3']);
    expect(ledger.wasDropped('e2')).to.equal(true);
  });

  it('tells every stream about a gap in the bus with a stream-gap reset', () => {
    const sink = kit.sink({ topics: ['news'] });
    fromBus.gap();
    expect(received(sink)).to.deep.equal(['!reset {"reason":"stream-gap"}']);
  });
});
