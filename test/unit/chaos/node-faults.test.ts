import { expect } from 'chai';
import { pickNode } from '../../../test/chaos/node-faults';

describe('pickNode', () => {
  it('strikes the stream leader for a leader kill, wherever the replicas are', () => {
    expect(pickNode('leader', 2, [1, 3])).to.equal(2);
  });

  it('strikes the non-leader most replicas use for another kill, the lower number on a tie', () => {
    expect(pickNode('other', 2, [3, 3, 1])).to.equal(3);
    expect(pickNode('other', 2, [3, 1])).to.equal(1);
    expect(pickNode('other', 1, [1, 1])).to.equal(2);
  });

  it('takes the node most replicas use as the leader when there is no stream (exclusive mode)', () => {
    expect(pickNode('leader', undefined, [3, 2, 3])).to.equal(3);
    expect(pickNode('other', undefined, [3, 2, 3])).to.equal(2);
  });
});
