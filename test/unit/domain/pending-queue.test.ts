import { expect } from 'chai';
import fc from 'fast-check';
import { PendingQueue } from '../../../src/domain/pending-queue';
import { frame } from './catch-up-kit';

const text = ({ frames }: { frames: readonly Uint8Array[] }): string[] =>
  frames.map((f) => new TextDecoder().decode(f).replace(/\.*\|$/, ''));

describe('PendingQueue', () => {
  it('gives its frames back in the order they were pushed, and counts them and their bytes', () => {
    const queue = new PendingQueue();
    queue.push(frame('a', 10));
    queue.push(frame('b', 20));
    expect([queue.size, queue.bytes]).to.deep.equal([2, 30]);
    expect(text(queue.take(1000))).to.deep.equal(['a', 'b']);
    expect([queue.size, queue.bytes]).to.deep.equal([0, 0]);
  });

  it('takes frames until the budget is reached, and at least one whatever its size', () => {
    const queue = new PendingQueue();
    for (const name of ['a', 'b', 'c', 'd']) queue.push(frame(name, 100));
    expect(text(queue.take(150))).to.deep.equal(['a', 'b']);
    expect(text(queue.take(1))).to.deep.equal(['c']);
    expect(queue.bytes).to.equal(100);
    expect(text(queue.take(0))).to.deep.equal(['d']);
    expect(queue.take(100)).to.deep.equal({ frames: [], events: 0 });
  });

  it('replaces the waiting frame of a conflated topic: the old one goes, the new one goes to the end', () => {
    const queue = new PendingQueue();
    queue.push(frame('a1', 10), 'A');
    queue.push(frame('x', 10));
    queue.push(frame('b1', 10), 'B');
    queue.push(frame('a2', 30), 'A');
    expect([queue.size, queue.bytes]).to.deep.equal([3, 50]);
    expect(text(queue.take(1000))).to.deep.equal(['x', 'b1', 'a2']);
  });

  it('keeps a frame of a conflated topic that was taken before a newer one came', () => {
    const queue = new PendingQueue();
    queue.push(frame('a1'), 'A');
    expect(text(queue.take(1))).to.deep.equal(['a1']);
    queue.push(frame('a2'), 'A');
    queue.push(frame('a3'), 'A');
    expect(text(queue.take(1000))).to.deep.equal(['a3']);
  });

  it('says how many of the frames it gives are events, control messages apart', () => {
    const queue = new PendingQueue();
    queue.push(frame('e1'), undefined, 'e1');
    queue.push(frame('reset'));
    queue.push(frame('e2'), 'A', 'e2');
    expect(queue.take(1000).events).to.equal(2);
  });

  it('conflates correctly across many pushes and takes (its storage is compacted on the way)', () => {
    const queue = new PendingQueue();
    const out: string[] = [];
    for (let n = 0; n < 1000; n += 1) {
      queue.push(frame(`p${n}`));
      queue.push(frame(`r${n}`), n % 3 === 0 ? 'R' : 'S');
      if (n % 7 === 6) out.push(...text(queue.take(40)));
    }
    out.push(...text(queue.take(1 << 30)));
    const plain = out.filter((name) => name.startsWith('p'));
    expect(plain).to.deep.equal(Array.from({ length: 1000 }, (_, n) => `p${n}`));
    expect(out.filter((name) => name.startsWith('r')).slice(-2)).to.deep.equal(['r998', 'r999']);
    expect(queue.size).to.equal(0);
    expect(queue.bytes).to.equal(0);
    // In order: each r<n> comes after p<n> and before p<n+1> or later.
    const at = (name: string): number => out.indexOf(name);
    for (const name of out.filter((n) => n.startsWith('r')))
      expect(at(name)).to.be.greaterThan(at(`p${name.slice(1)}`));
  });

  it('behaves as a plain list that drops the waiting item of a conflated topic (property)', () => {
    const op = fc.oneof(
      fc.record({ push: fc.nat(200), topic: fc.option(fc.constantFrom('A', 'B', 'C'), { nil: undefined }) }),
      fc.record({ take: fc.nat(600) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new PendingQueue();
        let model: { name: string; bytes: number; topic: string | undefined }[] = [];
        ops.forEach((step, n) => {
          if ('push' in step) {
            const name = `f${n}`;
            const bytes = name.length + 1 + step.push;
            queue.push(frame(name, bytes), step.topic);
            if (step.topic !== undefined) model = model.filter((item) => item.topic !== step.topic);
            model.push({ name, bytes, topic: step.topic });
            return;
          }
          let taken = 0;
          let bytes = 0;
          while (taken < model.length && (taken === 0 || bytes < step.take)) bytes += model[taken++]!.bytes;
          expect(text(queue.take(step.take))).to.deep.equal(model.splice(0, taken).map((item) => item.name));
        });
        expect(queue.size).to.equal(model.length);
        expect(queue.bytes).to.equal(model.reduce((sum, item) => sum + item.bytes, 0));
      }),
      { numRuns: 200 },
    );
  });
  it('drops the events up to an id the client already has, or all of them when it has not come yet, keeping control messages', () => {
    const queue = new PendingQueue();
    queue.push(frame('e1'), 'A', 'e1');
    queue.push(frame('ctl'));
    queue.push(frame('e2'), undefined, 'e2');
    queue.push(frame('e3'), undefined, 'e3');
    expect(queue.dropThrough('e2')).to.equal(true);
    expect(text(queue.take(1000))).to.deep.equal(['ctl', 'e3']);
    queue.push(frame('e4'), 'A', 'e4');
    queue.push(frame('ctl2'));
    expect(queue.dropThrough('e9')).to.equal(false);
    expect(queue.size).to.equal(1);
    expect(queue.bytes).to.equal(frame('ctl2').length);
    expect(text(queue.take(1000))).to.deep.equal(['ctl2']);
  });
});
