import { expect } from 'chai';
import type net from 'node:net';
import path from 'node:path';
import { PENDING } from '../../../../../../src/interfaces/http/sse/fanout/fd-write';
import { PARALLEL_MIN, SweepPool } from '../../../../../../src/interfaces/http/sse/fanout/sweep-pool';
import { fdOf, pairListener, socketPairs, type Pair } from '../../../../../support/socket-pair';
import { eventually } from '../../../../../support/wait';

const STUCK_HELPER = path.resolve(__dirname, '../../../../../fakes/stuck-sweep-helper.ts');

describe('SweepPool', () => {
  let listener: net.Server;
  let pairs: Pair[];
  let pools: SweepPool[];
  let errors: Error[];
  const pool = (helpers: number, options = {}): SweepPool => {
    const made = new SweepPool(helpers, (error) => errors.push(error), options);
    pools.push(made);
    return made;
  };
  const connect = async (n: number): Promise<Pair[]> => {
    const made = await socketPairs(listener, n);
    pairs.push(...made);
    return made;
  };
  /** One sweep of `frame` to every pair's server side; the results, copied. */
  const sweep = (on: SweepPool, to: readonly Pair[], frame: Uint8Array): number[] => {
    const fds = on.descriptors(to.length, frame.length);
    to.forEach((p, i) => (fds[i] = fdOf(p.server)));
    return [...on.write(frame, to.length).subarray(0, to.length)];
  };

  before(async () => (listener = await pairListener()));
  after(() => listener.close());
  beforeEach(() => ((pairs = []), (pools = []), (errors = [])));
  afterEach(() => {
    pools.forEach((p) => p.close());
    pairs.forEach((p) => (p.server.destroy(), p.peer.destroy()));
  });

  for (const helpers of [0, 2]) {
    it(`with ${helpers} helper threads, writes each frame once to every descriptor of a large sweep, in order`, async () => {
      const on = pool(helpers);
      const peers = await connect(PARALLEL_MIN + 44);
      const frames = ['first', 'second', 'third'].map((text) => Buffer.from(`${text}\n`));
      for (const frame of frames)
        expect(sweep(on, peers, frame)).to.satisfy((r: number[]) => r.every((n) => n === frame.length));
      const expected = Buffer.concat(frames);
      for (const p of peers) expect(await p.waitFor(expected.length)).to.deep.equal(expected);
    });
  }

  it('shares large sweeps with its helpers', async () => {
    const on = pool(2);
    expect(on.threads).to.equal(2);
    const peers = await connect(PARALLEL_MIN);
    await eventually(() => (sweep(on, peers, Buffer.from('x')), on.helperWrites > 0), 'a helper to take part');
  });

  it('grows its shared buffers for more descriptors and a larger frame, and its helpers write from the new ones', async () => {
    const on = pool(2);
    const peers = await connect(1_100);
    const sent: Buffer[] = [];
    const send = (frame: Buffer): number[] => (sent.push(frame), sweep(on, peers, frame));
    await eventually(() => (send(Buffer.from('.')), on.helperWrites > 0), 'a helper to take part');
    // Until a helper has written a share of a grown sweep (it nearly always has the first time).
    let helped = false;
    for (let n = 0; n < 5 && !helped; n += 1) {
      const before = on.helperWrites;
      const frame = Buffer.alloc(100 * 1024, String.fromCharCode(97 + n));
      expect(send(frame)).to.satisfy((r: number[]) => r.every((written) => written === frame.length));
      helped = on.helperWrites > before;
    }
    expect(helped, 'a helper wrote part of a grown sweep').to.equal(true);
    const expected = Buffer.concat(sent);
    for (const p of peers) expect((await p.waitFor(expected.length)).equals(expected)).to.equal(true);
  });

  it('gives up on a helper that holds a sweep: its slots stay PENDING, later sweeps run on one thread', async () => {
    const on = pool(1, { helperFile: STUCK_HELPER, joinTimeoutMs: 300 });
    const peers = await connect(PARALLEL_MIN);
    let results: number[] = [];
    await eventually(
      () => ((results = sweep(on, peers, Buffer.from('x'))), results.includes(PENDING)),
      'a stuck sweep',
    );
    expect(results.filter((r) => r === PENDING)).to.have.length(32);
    expect(on.threads).to.equal(0);
    expect(errors.map((e) => e.message)).to.deep.equal([
      'a fan-out helper held a sweep for 300 ms; fanning out on one thread',
    ]);
    await new Promise<void>((resolve) => on.afterHelpersHalt(resolve));
    expect(sweep(on, peers, Buffer.from('y'))).to.satisfy((r: number[]) => r.every((n) => n === 1));
  });

  it('stops its helpers on close and goes on sweeping on its own thread', async () => {
    const on = pool(2);
    on.close();
    expect(on.threads).to.equal(0);
    const peers = await connect(PARALLEL_MIN);
    expect(sweep(on, peers, Buffer.from('x'))).to.satisfy((r: number[]) => r.every((n) => n === 1));
  });
});
