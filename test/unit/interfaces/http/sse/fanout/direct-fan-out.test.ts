import { expect } from 'chai';
import type net from 'node:net';
import path from 'node:path';
import type { Delivery, EventSink } from '../../../../../../src/domain/subscription';
import { directFanOut } from '../../../../../../src/interfaces/http/sse/fanout/direct-fan-out';
import { PARALLEL_MIN, SweepPool } from '../../../../../../src/interfaces/http/sse/fanout/sweep-pool';
import { chunk } from '../../../../../../src/interfaces/http/sse/http-chunk';
import { SseSink } from '../../../../../../src/interfaces/http/sse/sse-sink';
import { RecordingSink } from '../../../../../fakes/recording-sink';
import { pairListener, socketPairs, type Pair } from '../../../../../support/socket-pair';
import { eventually } from '../../../../../support/wait';

const STUCK_HELPER = path.resolve(__dirname, '../../../../../fakes/stuck-sweep-helper.ts');

describe('directFanOut', () => {
  let listener: net.Server;
  let pairs: Pair[];
  let pools: SweepPool[];
  const connect = async (n: number): Promise<Pair[]> => {
    const made = await socketPairs(listener, n);
    pairs.push(...made);
    return made;
  };
  const pool = (helpers: number, options = {}): SweepPool => {
    const made = new SweepPool(helpers, () => undefined, options);
    pools.push(made);
    return made;
  };
  /** Runs one fan-out; the sinks reported, with why. */
  const fanOut = (on: SweepPool, frame: Uint8Array, sinks: EventSink[]): { sent: number; failed: Delivery[] } => {
    const failed: Delivery[] = [];
    const sent = directFanOut(on)(frame, new Set(sinks), (_, delivery) => failed.push(delivery));
    return { sent, failed };
  };

  before(async () => (listener = await pairListener()));
  after(() => listener.close());
  beforeEach(() => ((pairs = []), (pools = [])));
  afterEach(() => {
    pools.forEach((p) => p.close());
    pairs.forEach((p) => (p.server.destroy(), p.peer.destroy()));
  });

  it('gets the frame to stream sockets, HTTP/1.0 ones and other sinks alike, in order after what was queued', async () => {
    const [direct, plain, queued] = await connect(3);
    const other = new RecordingSink();
    const sinks = [new SseSink(direct!.server, 1 << 30, true), new SseSink(plain!.server, 1 << 30, false)];
    const queuedSink = new SseSink(queued!.server, 1 << 30, true);
    queued!.peer.pause();
    const filler = chunk(`data: ${'q'.repeat(1 << 20)}\n\n`);
    let fillerBytes = 0;
    while (queued!.server.writableLength === 0) fillerBytes += (queuedSink.deliver(filler), filler.length);
    const frame = chunk('id: 1\ndata: 1\n\n');
    expect(fanOut(pool(0), frame, [...sinks, queuedSink, other])).to.deep.equal({ sent: 4, failed: [] });
    expect(await direct!.waitFor(frame.length)).to.deep.equal(frame);
    expect((await plain!.waitFor(14)).toString()).to.equal('id: 1\ndata: 1\n\n');
    expect(other.frames).to.deep.equal([frame.toString()]);
    queued!.peer.resume();
    const got = await queued!.waitFor(fillerBytes + frame.length);
    expect(got.subarray(fillerBytes)).to.deep.equal(frame);
  });

  it('reports a connection that is gone as closed, and one with too much queued as overflow', async () => {
    const [gone, full] = await connect(2);
    const goneSink = new SseSink(gone!.server, 1 << 30, true);
    // Node must not read the reset first and close the socket itself.
    (gone!.server as unknown as { _handle: { readStop(): number } })._handle.readStop();
    gone!.peer.resetAndDestroy();
    const frame = chunk(`data: ${'f'.repeat(64 * 1024)}\n\n`);
    await eventually(() => fanOut(pool(0), frame, [goneSink]).failed.includes('closed'), 'the reset to be seen');
    expect(gone!.server.destroyed).to.equal(true);
    full!.peer.pause();
    const fullSink = new SseSink(full!.server, 1024, true);
    await eventually(() => fanOut(pool(0), frame, [fullSink]).failed.includes('overflow'), 'an overflow');
  });

  it('drops the clients a stuck helper held, closing them only once the helper has stopped', async () => {
    const on = pool(1, { helperFile: STUCK_HELPER, joinTimeoutMs: 200 });
    const peers = await connect(PARALLEL_MIN);
    const sinks = peers.map((p) => new SseSink(p.server, 1 << 30, true));
    let outcome = fanOut(on, chunk('data: 0\n\n'), sinks);
    await eventually(
      () => ((outcome = fanOut(on, chunk('data: 1\n\n'), sinks)), outcome.failed.length > 0),
      'a stuck sweep',
    );
    expect(outcome.failed).to.deep.equal(Array.from({ length: 32 }, () => 'closed'));
    expect(outcome.sent).to.equal(PARALLEL_MIN - 32);
    await eventually(() => peers.filter((p) => p.server.destroyed).length === 32, 'the held clients to be closed');
  });
});
