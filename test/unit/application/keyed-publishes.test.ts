import { expect } from 'chai';
import { KeyedPublishes } from '../../../src/application/keyed-publishes';

describe('KeyedPublishes', () => {
  it('answers the broadcast waiting for an event with the id delivered for it, and no other', async () => {
    const keyed = new KeyedPublishes();
    const first = keyed.echo('id-1', 5_000).delivered;
    const second = keyed.echo('id-2', 5_000).delivered;
    const other = keyed.echo('id-3', 20).delivered;
    keyed.settle('id-1', 'id-1');
    keyed.settle('id-2', 'id-1');
    expect(await Promise.all([first, second])).to.deep.equal(['id-1', 'id-1']);
    expect(await other).to.equal(undefined);
  });

  it('answers undefined once the timeout has passed, and ignores a later settle', async () => {
    const keyed = new KeyedPublishes();
    const waiting = keyed.echo('id-1', 10).delivered;
    expect(await waiting).to.equal(undefined);
    keyed.settle('id-1', 'id-1');
    const next = keyed.echo('id-2', 5_000).delivered;
    keyed.settle('id-2', 'id-2');
    expect(await next).to.equal('id-2');
  });

  it('answers undefined once cancelled, and leaves the other waits alone', async () => {
    const keyed = new KeyedPublishes();
    const cancelled = keyed.echo('id-1', 5_000);
    const other = keyed.echo('id-2', 5_000).delivered;
    cancelled.cancel();
    expect(await cancelled.delivered).to.equal(undefined);
    keyed.settle('id-2', 'id-2');
    expect(await other).to.equal('id-2');
  });

  it('does nothing when no broadcast waits for the event', () => {
    expect(() => new KeyedPublishes().settle('nobody', 'id-1')).to.not.throw();
  });
});
