import { expect } from 'chai';
import { StreamCursor } from '../../../../src/infrastructure/bus/stream-cursor';

describe('StreamCursor', () => {
  it('needs a plan before the first attach, then attaches at the warm-up start', () => {
    const cursor = new StreamCursor();
    expect(cursor.attachOffset()).to.equal(undefined);
    expect(cursor.planned).to.equal(false);
    expect(cursor.begin({ start: 40, target: 49 })).to.equal(false);
    expect(cursor.attachOffset()).to.equal(40);
  });

  it('is caught up once the target offset is processed, and says so exactly once', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 40, target: 42 });
    cursor.attached(40);
    expect(cursor.behind).to.equal(3);
    expect([40, 41, 42, 43].map((offset) => cursor.advance(offset))).to.deep.equal([false, false, true, false]);
    expect(cursor.caughtUp).to.equal(true);
    expect(cursor.behind).to.equal(0);
  });

  it('is caught up at once when there is nothing to load (an empty stream: the probe is the start)', () => {
    const cursor = new StreamCursor();
    expect(cursor.begin({ start: 0, target: -1 })).to.equal(true);
    expect(cursor.caughtUp).to.equal(true);
  });

  it('does not check a warm-up start: the broker may begin at a later first offset (retention)', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, target: 300 });
    cursor.attached(0);
    expect(cursor.judge(198)).to.equal('next');
  });

  it('resumes after the last message processed and skips resends at or below it', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, target: -1 });
    cursor.attached(0);
    for (const offset of [0, 1, 2, 3]) cursor.advance(offset);
    expect(cursor.attachOffset()).to.equal(4);
    cursor.attached(4);
    expect(cursor.judge(1)).to.equal('old');
    expect(cursor.judge(3)).to.equal('old');
    expect(cursor.judge(4)).to.equal('next');
  });

  it('reports a gap when the first new delivery after a resume is past the offset asked for, once', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, target: -1 });
    cursor.attached(0);
    cursor.advance(0);
    cursor.attached(1);
    expect(cursor.judge(0)).to.equal('old');
    expect(cursor.judge(7)).to.equal('gap');
    cursor.advance(7);
    expect(cursor.judge(9)).to.equal('next');
  });

  it('knows how far behind the last probed tail it is', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, target: 4 });
    for (const offset of [0, 1, 2, 3, 4, 5]) cursor.advance(offset);
    expect(cursor.probed(20)).to.equal(true);
    expect(cursor.behind).to.equal(14);
  });

  it('refuses a probe that cannot be in the same stream (deleted and declared anew), and starts over on reset', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, target: 9 });
    expect(cursor.probed(10), 'the warm-up probe itself sits at 10').to.equal(false);
    for (let offset = 0; offset <= 30; offset += 1) cursor.advance(offset);
    expect(cursor.probed(12)).to.equal(false);
    expect(cursor.probed(31)).to.equal(true);
    cursor.reset();
    expect([cursor.attachOffset(), cursor.caughtUp, cursor.lastOffset]).to.deep.equal([undefined, false, undefined]);
  });
});
