import { expect } from 'chai';
import type net from 'node:net';
import { constants } from 'node:os';
import { Audience } from '../../../../../../src/domain/audience';
import { Subscriber } from '../../../../../../src/domain/subscriber';
import type { Delivery, EventSink } from '../../../../../../src/domain/subscription';
import { TopicSelection } from '../../../../../../src/domain/topic-selection';
import {
  directFanOutWriter,
  type Sweeper,
} from '../../../../../../src/interfaces/http/sse/fanout/direct-fan-out-writer';
import { UNEXPECTED } from '../../../../../../src/interfaces/http/sse/fanout/fd-write';
import { SweepPool } from '../../../../../../src/interfaces/http/sse/fanout/sweep-pool';
import { chunk } from '../../../../../../src/interfaces/http/sse/http-chunk';
import { HEARTBEAT_FRAMES } from '../../../../../../src/interfaces/http/sse/sse-frames';
import { SseSink } from '../../../../../../src/interfaces/http/sse/sse-sink';
import { RecordingSink } from '../../../../../fakes/recording-sink';
import { fdOf, pairListener, socketPairs, stopReading, type Pair } from '../../../../../support/socket-pair';
import { eventually } from '../../../../../support/wait';

const sinkOf = (socket: net.Socket, chunked = true): SseSink =>
  new SseSink(socket, { chunked, heartbeat: HEARTBEAT_FRAMES.comment, direct: true });
const anyone = new Audience(TopicSelection.everything);

describe('directFanOutWriter', () => {
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
    const live = new Set(sinks.map((sink) => new Subscriber(anyone, sink)));
    const sent = directFanOutWriter(on, (errors) => unexpected.push([...errors]))(frame, [live], (_, d) =>
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
    expect(fanOut(frame, [sinkOf(p!.server)])).to.deep.equal({ sent: 1, failed: [] });
    expect(await p!.waitFor(frame.length)).to.deep.equal(frame);
    expect(p!.server.bytesWritten, 'nothing went through the socket stream').to.equal(0);
  });

  it('gets the frame to HTTP/1.0 sockets, sockets with bytes queued and other sinks through write, in order', async () => {
    const [plain, queued] = await connect(2);
    const other = new RecordingSink();
    const queuedSink = sinkOf(queued!.server);
    queued!.peer.pause();
    const filler = chunk(`data: ${'q'.repeat(1 << 20)}\n\n`);
    let fillerBytes = 0;
    while (queued!.server.writableLength === 0) fillerBytes += (queuedSink.write(filler), filler.length);
    const frame = chunk('id: 1\ndata: 1\n\n');
    const sinks = [sinkOf(plain!.server, false), queuedSink, other];
    expect(fanOut(frame, sinks)).to.deep.equal({ sent: 2, failed: ['full'] });
    expect((await plain!.waitFor(15)).toString()).to.equal('id: 1\ndata: 1\n\n');
    expect(other.frames).to.deep.equal([frame.toString()]);
    queued!.peer.resume();
    const got = await queued!.waitFor(fillerBytes + frame.length);
    expect(got.subarray(fillerBytes)).to.deep.equal(frame);
  });

  it('reports a connection that is gone as closed, and one whose bytes wait as queued or full', async () => {
    const [gone, full] = await connect(2);
    const goneSink = sinkOf(gone!.server);
    // Node must not read the reset first and close the socket itself.
    stopReading(gone!.server);
    gone!.peer.resetAndDestroy();
    const frame = chunk(`data: ${'f'.repeat(64 * 1024)}\n\n`);
    await eventually(() => fanOut(frame, [goneSink]).failed.includes('closed'), 'the reset to be seen');
    expect(gone!.server.destroyed).to.equal(true);
    full!.peer.pause();
    const fullSink = sinkOf(full!.server);
    await eventually(() => fanOut(frame, [fullSink]).failed.includes('full'), 'the queue to fill');
    expect(unexpected).to.deep.equal([]);
  });

  it('drops the clients whose writes failed as no live socket can, and reports how many', async () => {
    const peers = await connect(3);
    const sinks = peers.map((p) => sinkOf(p.server));
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
