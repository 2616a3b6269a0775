import { expect } from 'chai';
import { StreamCursor } from '../../../../src/infrastructure/bus/stream-cursor';

/** The bytes and message id of the message at `offset` in the stream these tests read. */
const at = (offset: number): [Buffer, string] => [Buffer.from(`message ${offset}`), `id-${offset}`];

describe('StreamCursor', () => {
  it('needs a plan before the first attach, then attaches at the warm-up start', () => {
    const cursor = new StreamCursor();
    expect(cursor.attachOffset()).to.equal(undefined);
    expect(cursor.planned).to.equal(false);
    expect(cursor.begin({ start: 40, loadFrom: 40, target: 49 })).to.equal(false);
    expect(cursor.attachOffset()).to.equal(40);
  });

  it('is caught up once the target offset is processed, and says so exactly once', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 40, loadFrom: 40, target: 42 });
    cursor.attached();
    expect(cursor.behind).to.equal(3);
    expect([40, 41, 42, 43].map((offset) => cursor.advance(offset, ...at(offset)))).to.deep.equal([
      false,
      false,
      true,
      false,
    ]);
    expect(cursor.caughtUp).to.equal(true);
    expect(cursor.behind).to.equal(0);
  });

  it('is caught up at once when there is nothing to load (an empty stream: the probe is the start)', () => {
    const cursor = new StreamCursor();
    expect(cursor.begin({ start: 0, loadFrom: 0, target: -1 })).to.equal(true);
    expect(cursor.caughtUp).to.equal(true);
  });

  it('does not check a warm-up start: the broker may begin at a later first offset (retention)', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: 300 });
    cursor.attached();
    expect(cursor.judge(198, ...at(198))).to.equal('next');
  });

  it('resumes at the last message processed, skips resends up to it and takes what follows', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.attached();
    for (const offset of [0, 1, 2, 3]) cursor.advance(offset, ...at(offset));
    expect(cursor.attachOffset()).to.equal(3);
    cursor.attached();
    expect(cursor.judge(1, ...at(1)), 'the chunk starts before it').to.equal('old');
    expect(cursor.judge(3, ...at(3))).to.equal('old');
    expect(cursor.judge(4, ...at(4))).to.equal('next');
  });

  it('takes an offset that holds no message after the last one as no loss (the broker starts segments so)', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    for (const offset of [27, 28, 29]) cursor.advance(offset, ...at(offset));
    cursor.attached();
    expect(cursor.judge(29, ...at(29))).to.equal('old');
    expect(cursor.judge(31, ...at(31)), 'offset 30 starts a segment').to.equal('next');
  });

  it('reports a gap when a message past the last one processed comes first after a resume, once', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.attached();
    cursor.advance(0, ...at(0));
    cursor.attached();
    expect(cursor.judge(7, ...at(7))).to.equal('gap');
    cursor.advance(7, ...at(7));
    expect(cursor.judge(9, ...at(9))).to.equal('next');
  });

  it('reports a gap even when the offset after the last one comes first: the last one is gone', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.advance(5, ...at(5));
    cursor.attached();
    expect(cursor.judge(6, ...at(6))).to.equal('gap');
  });

  it('tells a new stream by other bytes at the offset of the last message processed, once per resume', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.advance(5, ...at(5));
    cursor.attached();
    expect(cursor.judge(4, Buffer.from('another stream 4'), 'other-4')).to.equal('old');
    expect(cursor.judge(5, Buffer.from('another stream 5'), 'other-5')).to.equal('replaced');
  });

  it('tells a new stream by another message id at that offset even with the same bytes (probes, equal data)', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.advance(5, Buffer.from('{}'), 'probe-1');
    cursor.attached();
    expect(cursor.judge(5, Buffer.from('{}'), 'probe-2')).to.equal('replaced');
  });

  it('checks nothing on deliveries that follow a resume already checked', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.advance(5, ...at(5));
    cursor.attached();
    expect(cursor.judge(5, ...at(5))).to.equal('old');
    expect(cursor.judge(5, Buffer.from('a resend of its chunk'), 'other')).to.equal('old');
    expect(cursor.judge(9, ...at(9))).to.equal('next');
  });

  it('recalls what lies before the history loaded (a chunk may begin before the start too), not what follows', () => {
    const cursor = new StreamCursor();
    expect(cursor.recalls(0), 'no plan yet').to.equal(false);
    cursor.begin({ start: 10, loadFrom: 25, target: 40 });
    expect([8, 10, 24, 25, 41].map((offset) => cursor.recalls(offset))).to.deep.equal([true, true, true, false, false]);
    cursor.reset();
    expect(cursor.recalls(8), 'planned anew').to.equal(false);
  });

  it('knows how far behind the last probed tail it is', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: 4 });
    for (const offset of [0, 1, 2, 3, 4, 5]) cursor.advance(offset, ...at(offset));
    expect(cursor.probed(20)).to.equal(true);
    expect(cursor.behind).to.equal(14);
  });

  it('refuses a probe that cannot be in the same stream (deleted and declared anew), and starts over on reset', () => {
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: 9 });
    expect(cursor.probed(10), 'the warm-up probe itself sits at 10').to.equal(false);
    for (let offset = 0; offset <= 30; offset += 1) cursor.advance(offset, ...at(offset));
    expect(cursor.probed(12)).to.equal(false);
    expect(cursor.probed(31)).to.equal(true);
    cursor.reset();
    expect([cursor.attachOffset(), cursor.caughtUp, cursor.lastOffset]).to.deep.equal([undefined, false, undefined]);
  });
});
