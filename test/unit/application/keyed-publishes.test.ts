import { expect } from 'chai';
import { KeyedPublishes } from '../../../src/application/keyed-publishes';

describe('KeyedPublishes', () => {
  it('answers every broadcast waiting on a key with the id the bus delivered for it', async () => {
    const keyed = new KeyedPublishes();
    const first = keyed.echo('k', 5_000);
    const second = keyed.echo('k', 5_000);
    const other = keyed.echo('j', 20);
    keyed.settle('k', 'id-1');
    expect(await Promise.all([first, second])).to.deep.equal(['id-1', 'id-1']);
    expect(await other).to.equal(undefined);
  });

  it('answers undefined once the timeout has passed, and ignores a later settle', async () => {
    const keyed = new KeyedPublishes();
    const waiting = keyed.echo('k', 10);
    expect(await waiting).to.equal(undefined);
    keyed.settle('k', 'id-late');
    const next = keyed.echo('k', 5_000);
    keyed.settle('k', 'id-2');
    expect(await next).to.equal('id-2');
  });

  it('does nothing when no broadcast waits on the key', () => {
    expect(() => new KeyedPublishes().settle('nobody', 'id-1')).to.not.throw();
  });
});
