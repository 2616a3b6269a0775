import { expect } from 'chai';
import { OffsetIndex } from '../../../../src/infrastructure/bus/offset-index';

describe('OffsetIndex', () => {
  it('remembers the offsets of the most recent ids, forgetting the oldest past its capacity', () => {
    const index = new OffsetIndex(2);
    index.record('a', 1);
    index.record('b', 2);
    index.record('c', 3);
    expect(['a', 'b', 'c'].map((id) => index.offsetOf(id))).to.deep.equal([undefined, 2, 3]);
  });

  it('remembers nothing at capacity 0, and nothing after clear', () => {
    const none = new OffsetIndex(0);
    none.record('a', 1);
    expect(none.offsetOf('a')).to.equal(undefined);
    const index = new OffsetIndex(5);
    index.record('a', 1);
    index.clear();
    expect(index.offsetOf('a')).to.equal(undefined);
  });
});
