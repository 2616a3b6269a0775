import { expect } from 'chai';
import { KeyedPublishes } from '../../../src/application/keyed-publishes';

describe('KeyedPublishes', () => {
  it('answers every broadcast waiting on a key with the id the bus delivered for it', async () => {
    const keyed = new KeyedPublishes();
    const first = keyed.echo('k', 5_000).delivered;
    const second = keyed.echo('k', 5_000).delivered;
    const other = keyed.echo('j', 20).delivered;
    keyed.settle('k', 'id-1');
    expect(await Promise.all([first, second])).to.deep.equal(['id-1', 'id-1']);
    expect(await other).to.equal(undefined);
  });

  it('answers undefined once the timeout has passed, and ignores a later settle', async () => {
    const keyed = new KeyedPublishes();
    const waiting = keyed.echo('k', 10).delivered;
    expect(await waiting).to.equal(undefined);
    keyed.settle('k', 'id-late');
    const next = keyed.echo('k', 5_000).delivered;
    keyed.settle('k', 'id-2');
    expect(await next).to.equal('id-2');
  });

  it('answers undefined once cancelled, and leaves the other waits on the key alone', async () => {
    const keyed = new KeyedPublishes();
    const cancelled = keyed.echo('k', 5_000);
    const other = keyed.echo('k', 5_000).delivered;
    cancelled.cancel();
    expect(await cancelled.delivered).to.equal(undefined);
    keyed.settle('k', 'id-1');
    expect(await other).to.equal('id-1');
  });

  it('does nothing when no broadcast waits on the key', () => {
    expect(() => new KeyedPublishes().settle('nobody', 'id-1')).to.not.throw();
  });
});
