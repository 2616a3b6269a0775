import { expect } from 'chai';
import type net from 'node:net';
import path from 'node:path';
import {
  PARALLEL_MIN,
  SweepPool,
  type SweepPoolOptions,
} from '../../../../../../src/interfaces/http/sse/fanout/sweep-pool';
import { WOULD_BLOCK } from '../../../../../../src/interfaces/http/sse/fanout/fd-write';
import { fdOf, pairListener, socketPairs, type Pair } from '../../../../../support/socket-pair';
import { eventually } from '../../../../../support/wait';

const CRASHING_HELPER = path.resolve(__dirname, '../../../../../fakes/crashing-sweep-helper.ts');

describe('SweepPool', () => {
  let listener: net.Server;
  let pairs: Pair[];
  let pools: SweepPool[];
  let errors: Error[];
  /** What each peer should have read: per peer, the bytes the results said were taken. */
  let expected: Map<Pair, Buffer[]>;
  const pool = (helpers: number, options: SweepPoolOptions = {}): SweepPool => {
    const made = new SweepPool(helpers, (error) => errors.push(error), options);
    pools.push(made);
    return made;
  };
  const connect = async (n: number): Promise<Pair[]> => {
    const made = await socketPairs(listener, n);
    pairs.push(...made);
    made.forEach((p) => expected.set(p, []));
    return made;
  };
  /** One sweep of `frame` to every pair's server side; the results, copied and recorded per peer. */
  const sweep = (on: SweepPool, to: readonly Pair[], frame: Buffer): number[] => {
    const fds = on.descriptors(to.length);
    to.forEach((p, i) => (fds[i] = fdOf(p.server)));
    const results = [...on.write(frame, to.length).subarray(0, to.length)];
    // Live, reading peers: a write takes bytes or would block, nothing else.
    expect(results.filter((r) => r < 0 && r !== WOULD_BLOCK)).to.deep.equal([]);
    results.forEach((written, i) => expected.get(to[i]!)!.push(frame.subarray(0, Math.max(written, 0))));
    return results;
  };
  /** Every peer reads exactly the bytes its results said were written, in order. */
  const everyPeerGotWhatWasWritten = async (): Promise<void> => {
    for (const [peer, parts] of expected) {
      const bytes = Buffer.concat(parts);
      expect((await peer.waitFor(bytes.length)).equals(bytes)).to.equal(true);
    }
  };
  /** Sweeps (a frame of one byte) until a helper has written a share, so the helpers are up. */
  const untilHelped = (on: SweepPool, to: readonly Pair[]): Promise<void> =>
    eventually(() => (sweep(on, to, Buffer.from('.')), on.helperWrites > 0), 'a helper to take part');

  before(async () => (listener = await pairListener()));
  after(() => listener.close());
  beforeEach(() => ((pairs = []), (pools = []), (errors = []), (expected = new Map())));
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.close()));
    pairs.forEach((p) => (p.server.destroy(), p.peer.destroy()));
  });

  it('writes each frame once to every descriptor, in order, on its own thread when it has no helpers', async () => {
    const on = pool(0);
    const peers = await connect(PARALLEL_MIN + 44);
    for (const text of ['first\n', 'second\n', 'third\n'])
      expect(sweep(on, peers, Buffer.from(text))).to.satisfy((r: number[]) => r.every((n) => n === text.length));
    await everyPeerGotWhatWasWritten();
    expect([on.threads, on.helperWrites]).to.deep.equal([0, 0]);
  });

  it('starts its helpers at the first sweep large enough to share, not before', async () => {
    const on = pool(2);
    const peers = await connect(PARALLEL_MIN);
    sweep(on, peers.slice(0, PARALLEL_MIN - 1), Buffer.from('small'));
    expect(on.threads).to.equal(0);
    sweep(on, peers, Buffer.from('large'));
    expect(on.threads).to.equal(2);
    await everyPeerGotWhatWasWritten();
  });

  it('shares large sweeps with its helpers, each frame once to every descriptor, in order', async () => {
    const on = pool(2);
    const peers = await connect(PARALLEL_MIN + 44);
    await untilHelped(on, peers);
    for (let n = 0; n < 20; n += 1) sweep(on, peers, Buffer.from(`event ${n}\n`));
    await everyPeerGotWhatWasWritten();
  });

  it('grows its descriptor list past its first capacity, and its helpers write from the new one', async () => {
    const on = pool(2);
    const peers = await connect(PARALLEL_MIN);
    await untilHelped(on, peers);
    const more = [...peers, ...(await connect(1_100 - PARALLEL_MIN))];
    await eventually(() => {
      const before = on.helperWrites;
      sweep(on, more, Buffer.from('grown\n'));
      return on.helperWrites > before;
    }, 'a helper to write part of a grown sweep');
    await everyPeerGotWhatWasWritten();
  });

  it('grows the shared copy of the frame for a larger frame, and its helpers write from the new one', async () => {
    const on = pool(2);
    const peers = await connect(PARALLEL_MIN);
    await untilHelped(on, peers);
    let n = 0;
    await eventually(async () => {
      const before = on.helperWrites;
      sweep(on, peers, Buffer.alloc(100 * 1024 + n, String.fromCharCode(97 + (n % 26))));
      n += 1;
      await everyPeerGotWhatWasWritten(); // let the peers drain before the next large frame
      return on.helperWrites > before;
    }, 'a helper to write part of a sweep of a large frame');
  });

  it('sweeps a frame over the shared limit on its own thread', async () => {
    const on = pool(2, { maxSharedFrame: 8 });
    const peers = await connect(PARALLEL_MIN);
    await untilHelped(on, peers);
    const shared = on.sharedSweeps;
    sweep(on, peers, Buffer.from('123456789'));
    expect(on.sharedSweeps).to.equal(shared);
    sweep(on, peers, Buffer.from('12345678'));
    expect(on.sharedSweeps).to.equal(shared + 1);
    await everyPeerGotWhatWasWritten();
  });

  it('writes the slots a dying helper claimed itself, and goes on without it', async () => {
    const on = pool(1, { helperFile: CRASHING_HELPER });
    const peers = await connect(PARALLEL_MIN);
    await eventually(() => {
      expect(sweep(on, peers, Buffer.from('x'))).to.satisfy((r: number[]) => r.every((n) => n === 1));
      return errors.length > 0;
    }, 'the helper to die');
    expect(errors.map((e) => e.message)).to.deep.equal(['helper bug']);
    expect(on.threads).to.equal(0);
    expect(sweep(on, peers, Buffer.from('y'))).to.satisfy((r: number[]) => r.every((n) => n === 1));
    await everyPeerGotWhatWasWritten();
  });

  it('stops its helpers on close, and sweeps on its own thread afterwards', async () => {
    const on = pool(2);
    const peers = await connect(PARALLEL_MIN);
    await untilHelped(on, peers);
    await on.close();
    expect(on.threads).to.equal(0);
    const before = on.helperWrites;
    sweep(on, peers, Buffer.from('after'));
    expect([on.threads, on.helperWrites]).to.deep.equal([0, before]);
    await everyPeerGotWhatWasWritten();
  });
});
