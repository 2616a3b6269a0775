import { expect } from 'chai';
import { closeSync, openSync } from 'node:fs';
import type net from 'node:net';
import { constants } from 'node:os';
import {
  FAILED,
  UNEXPECTED,
  unexpectedCode,
  WOULD_BLOCK,
  writeEach,
} from '../../../../../../src/interfaces/http/sse/fanout/fd-write';
import { fdOf, pairListener, socketPairs, stopReading, type Pair } from '../../../../../support/socket-pair';
import { eventually } from '../../../../../support/wait';

const UNTOUCHED = -99;

describe('writeEach', () => {
  let listener: net.Server;
  let pairs: Pair[];
  const pairsOf = async (n: number): Promise<Pair[]> => {
    const made = await socketPairs(listener, n);
    pairs.push(...made);
    return made;
  };
  const slots = (n: number): Int32Array => new Int32Array(n).fill(UNTOUCHED);

  before(async () => (listener = await pairListener()));
  after(() => listener.close());
  beforeEach(() => (pairs = []));
  afterEach(() => pairs.forEach((p) => (p.server.destroy(), p.peer.destroy())));

  it('writes the frame to each descriptor of the range and records the bytes taken', async () => {
    const made = await pairsOf(4);
    const fds = Int32Array.from(made.map((p) => fdOf(p.server)));
    const results = slots(4);
    const frame = Buffer.from('3\r\nabc\r\n');
    writeEach(fds, results, 1, 3, frame);
    expect([...results]).to.deep.equal([UNTOUCHED, frame.length, frame.length, UNTOUCHED]);
    for (const p of made.slice(1, 3)) expect(await p.waitFor(frame.length)).to.deep.equal(frame);
    expect(made[0]!.received().length + made[3]!.received().length).to.equal(0);
  });

  it('records the bytes taken until a peer that stopped reading is full, then WOULD_BLOCK; the peer gets exactly those bytes', async () => {
    const [p] = await pairsOf(1);
    p!.peer.pause();
    const fds = Int32Array.of(fdOf(p!.server));
    const frame = Buffer.alloc(256 * 1024, 'y');
    const results = slots(1);
    let taken = 0;
    for (let n = 0; n < 10_000 && results[0] !== WOULD_BLOCK; n += 1) {
      writeEach(fds, results, 0, 1, frame);
      if (results[0]! > 0) taken += results[0]!;
    }
    expect(results[0]).to.equal(WOULD_BLOCK);
    p!.peer.resume();
    expect((await p!.waitFor(taken)).length).to.equal(taken);
  });

  it('records FAILED once the peer has reset the connection', async () => {
    const [p] = await pairsOf(1);
    // Node must not read the reset first and close the descriptor.
    stopReading(p!.server);
    p!.peer.resetAndDestroy();
    const results = slots(1);
    const write = (): boolean => (writeEach(Int32Array.of(fdOf(p!.server)), results, 0, 1, Buffer.from('data')), true);
    await eventually(() => write() && results[0] === FAILED, 'a write to fail');
    expect(results[0]).to.equal(FAILED);
  });

  it('records UNEXPECTED for an error no socket gives (a descriptor that is not open for writing)', () => {
    const readOnly = openSync('/dev/null', 'r');
    try {
      const results = slots(1);
      writeEach(Int32Array.of(readOnly), results, 0, 1, Buffer.from('x'));
      expect(results[0]).to.equal(UNEXPECTED - constants.errno.EBADF);
      expect(unexpectedCode(results[0]!)).to.equal('EBADF');
    } finally {
      closeSync(readOnly);
    }
  });
});
