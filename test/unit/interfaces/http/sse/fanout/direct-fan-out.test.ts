import { expect } from 'chai';
import type net from 'node:net';
import { constants } from 'node:os';
import type { Delivery, EventSink } from '../../../../../../src/domain/subscription';
import { directFanOut, type Sweeper } from '../../../../../../src/interfaces/http/sse/fanout/direct-fan-out';
import { UNEXPECTED } from '../../../../../../src/interfaces/http/sse/fanout/fd-write';
import { SweepPool } from '../../../../../../src/interfaces/http/sse/fanout/sweep-pool';
import { chunk } from '../../../../../../src/interfaces/http/sse/http-chunk';
import { SseSink } from '../../../../../../src/interfaces/http/sse/sse-sink';
import { RecordingSink } from '../../../../../fakes/recording-sink';
import { fdOf, pairListener, socketPairs, stopReading, type Pair } from '../../../../../support/socket-pair';
import { eventually } from '../../../../../support/wait';

describe('directFanOut', () => {
  let listener: net.Server;
  let pairs: Pair[];
  let unexpected: [string, number][][];
  const connect = async (n: number): Promise<Pair[]> => {
    const made = await socketPairs(listener, n);
    pairs.push(...made);
    return made;
  };
  /** Runs one fan-out; how many took the frame, and why the others did not. */
  const fanOut = (frame: Uint8Array, sinks: EventSink[], on: Sweeper = new SweepPool(0, () => undefined)) => {
    const failed: Delivery[] = [];
    const sent = directFanOut(on, (errors) => unexpected.push([...errors]))(frame, new Set(sinks), (_, d) =>
      failed.push(d),
    );
    return { sent, failed };
  };

  before(async () => (listener = await pairListener()));
  after(() => listener.close());
  beforeEach(() => ((pairs = []), (unexpected = [])));
  afterEach(() => pairs.forEach((p) => (p.server.destroy(), p.peer.destroy())));

  it('writes past the stream to a socket with nothing queued', async () => {
    const [p] = await connect(1);
    const frame = chunk('id: 1\ndata: 1\n\n');
    expect(fanOut(frame, [new SseSink(p!.server, 1 << 30, true)])).to.deep.equal({ sent: 1, failed: [] });
    expect(await p!.waitFor(frame.length)).to.deep.equal(frame);
    expect(p!.server.bytesWritten, 'nothing went through the socket stream').to.equal(0);
  });

  it('gets the frame to HTTP/1.0 sockets, sockets with bytes queued and other sinks through deliver, in order', async () => {
    const [plain, queued] = await connect(2);
    const other = new RecordingSink();
    const queuedSink = new SseSink(queued!.server, 1 << 30, true);
    queued!.peer.pause();
    const filler = chunk(`data: ${'q'.repeat(1 << 20)}\n\n`);
    let fillerBytes = 0;
    while (queued!.server.writableLength === 0) fillerBytes += (queuedSink.deliver(filler), filler.length);
    const frame = chunk('id: 1\ndata: 1\n\n');
    const sinks = [new SseSink(plain!.server, 1 << 30, false), queuedSink, other];
    expect(fanOut(frame, sinks)).to.deep.equal({ sent: 3, failed: [] });
    expect((await plain!.waitFor(15)).toString()).to.equal('id: 1\ndata: 1\n\n');
    expect(other.frames).to.deep.equal([frame.toString()]);
    queued!.peer.resume();
    const got = await queued!.waitFor(fillerBytes + frame.length);
    expect(got.subarray(fillerBytes)).to.deep.equal(frame);
  });

  it('reports a connection that is gone as closed, and one with too much queued as overflow', async () => {
    const [gone, full] = await connect(2);
    const goneSink = new SseSink(gone!.server, 1 << 30, true);
    // Node must not read the reset first and close the socket itself.
    stopReading(gone!.server);
    gone!.peer.resetAndDestroy();
    const frame = chunk(`data: ${'f'.repeat(64 * 1024)}\n\n`);
    await eventually(() => fanOut(frame, [goneSink]).failed.includes('closed'), 'the reset to be seen');
    expect(gone!.server.destroyed).to.equal(true);
    full!.peer.pause();
    const fullSink = new SseSink(full!.server, 1024, true);
    await eventually(() => fanOut(frame, [fullSink]).failed.includes('overflow'), 'an overflow');
    expect(unexpected).to.deep.equal([]);
  });

  it('drops the clients whose writes failed as no live socket can, and reports how many', async () => {
    const peers = await connect(3);
    const sinks = peers.map((p) => new SseSink(p.server, 1 << 30, true));
    const own = peers.map((p) => fdOf(p.server));
    const frame = chunk('data: 1\n\n');
    const fds = new Int32Array(3);
    const broken: Sweeper = {
      descriptors: () => fds,
      write: () => Int32Array.of(frame.length, UNEXPECTED - constants.errno.EBADF, UNEXPECTED - constants.errno.EBADF),
    };
    expect(fanOut(frame, sinks, broken)).to.deep.equal({ sent: 1, failed: ['closed', 'closed'] });
    expect([...fds]).to.deep.equal(own);
    expect(unexpected).to.deep.equal([[['EBADF', 2]]]);
    expect(peers.map((p) => p.server.destroyed)).to.deep.equal([false, true, true]);
  });
});
