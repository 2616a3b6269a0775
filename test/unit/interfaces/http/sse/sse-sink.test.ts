import { expect } from 'chai';
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import type net from 'node:net';
import { TLSSocket } from 'node:tls';
import { FAILED, WOULD_BLOCK } from '../../../../../src/interfaces/http/sse/fanout/fd-write';
import { chunk, LAST_CHUNK } from '../../../../../src/interfaces/http/sse/http-chunk';
import { HEARTBEAT_FRAMES } from '../../../../../src/interfaces/http/sse/sse-frames';
import { SseSink, type SinkOptions } from '../../../../../src/interfaces/http/sse/sse-sink';
import { fdOf, pairListener, socketPair, type Pair } from '../../../../support/socket-pair';
import { eventually } from '../../../../support/wait';

const CHUNKED: SinkOptions = { chunked: true, heartbeat: HEARTBEAT_FRAMES.comment, direct: true };
const big = (): Buffer => chunk(`data: ${'x'.repeat(256 * 1024)}\n\n`);

describe('SseSink', () => {
  let listener: net.Server;
  let pairs: Pair[];
  const pair = async (): Promise<Pair> => {
    const made = await socketPair(listener);
    pairs.push(made);
    return made;
  };

  before(async () => (listener = await pairListener()));
  after(() => listener.close());
  beforeEach(() => (pairs = []));
  afterEach(() => pairs.forEach((p) => (p.server.destroy(), p.peer.destroy())));

  it('writes the exact bytes of each frame, and answers sent when the kernel took them', async () => {
    const { server, waitFor } = await pair();
    const sink = new SseSink(server, CHUNKED);
    const first = chunk('id: 1\ndata: "é"\n\n');
    const second = chunk('id: 2\ndata: 2\n\n');
    expect(sink.write(first)).to.equal('sent');
    expect(sink.write(second)).to.equal('sent');
    const expected = Buffer.concat([first, second]);
    expect(await waitFor(expected.length)).to.deep.equal(expected);
  });

  it('answers queued, then full, as bytes wait for a peer that does not read, and counts them', async () => {
    const { server, peer } = await pair();
    peer.pause();
    const sink = new SseSink(server, CHUNKED);
    const answers = new Set<string>();
    for (let n = 0; n < 2_000 && !answers.has('full'); n += 1) answers.add(sink.write(big()));
    expect(answers.has('full')).to.equal(true);
    expect(sink.queuedBytes()).to.equal(server.writableLength).and.to.be.above(0);
  });

  it('calls back once everything queued has left, when the peer reads again', async () => {
    const { server, peer, waitFor } = await pair();
    peer.pause();
    const sink = new SseSink(server, CHUNKED);
    let written = 0;
    for (const frame = big(); sink.queuedBytes() === 0; written += frame.length) sink.write(frame);
    let flushed = false;
    sink.whenFlushed(() => (flushed = true));
    expect(flushed).to.equal(false);
    peer.resume();
    await eventually(() => flushed, 'the flush callback');
    expect(sink.queuedBytes()).to.equal(0);
    expect((await waitFor(written)).length).to.equal(written);
  });

  it('never calls back when the connection goes first', async () => {
    const { server, peer } = await pair();
    peer.pause();
    const sink = new SseSink(server, CHUNKED);
    while (sink.queuedBytes() === 0) sink.write(big());
    let flushed = false;
    sink.whenFlushed(() => (flushed = true));
    server.destroy();
    await once(server, 'close');
    expect(flushed).to.equal(false);
  });

  it('answers closed after the socket is destroyed, or once the peer has gone away', async () => {
    const { server } = await pair();
    const sink = new SseSink(server, CHUNKED);
    server.destroy();
    expect(sink.write(chunk('data: 1\n\n'))).to.equal('closed');
    expect(sink.keepAlive()).to.equal('closed');
    const other = await pair();
    const second = new SseSink(other.server, CHUNKED);
    other.peer.destroy();
    await once(other.server, 'close');
    expect(second.write(chunk('data: 1\n\n'))).to.equal('closed');
  });

  it('sends a heartbeat on the second keep-alive tick (half a HEARTBEAT_MS each) without a write', async () => {
    const { server, received, waitFor } = await pair();
    const sink = new SseSink(server, CHUNKED);
    const beat = HEARTBEAT_FRAMES.comment;
    expect(sink.keepAlive()).to.equal('sent'); // one idle tick: no heartbeat yet
    expect(server.bytesWritten).to.equal(0);
    expect(sink.keepAlive()).to.equal('sent'); // two idle ticks, a whole period: heartbeat
    expect(server.bytesWritten).to.equal(beat.length);
    const frame = chunk('data: 1\n\n');
    sink.write(frame);
    sink.keepAlive(); // one tick since the write: no heartbeat
    expect(server.bytesWritten).to.equal(beat.length + frame.length);
    sink.keepAlive(); // two ticks since the write: heartbeat
    const expected = Buffer.concat([beat, frame, beat]);
    expect(await waitFor(expected.length)).to.deep.equal(expected);
    expect(received().length).to.equal(expected.length);
  });

  it('sends heartbeat events instead of comments when asked', async () => {
    const { server, waitFor } = await pair();
    const sink = new SseSink(server, { ...CHUNKED, heartbeat: HEARTBEAT_FRAMES.event });
    sink.keepAlive();
    sink.keepAlive();
    const text = (await waitFor(HEARTBEAT_FRAMES.event.length)).toString('latin1');
    expect(text).to.include('event: heartbeat\ndata: {}\n\n').and.not.to.include('id:');
  });

  it('ends a chunked stream with the last chunk on shutdown', async () => {
    const { server, peer, received } = await pair();
    const sink = new SseSink(server, CHUNKED);
    const frame = chunk('id: 1\ndata: 1\n\n');
    sink.write(frame);
    const ended = once(peer, 'end');
    sink.close('shutdown');
    await ended;
    expect(received()).to.deep.equal(Buffer.concat([frame, LAST_CHUNK]));
    expect(sink.write(frame)).to.equal('closed');
  });

  it('cuts a stream ended on shutdown whose client does not read it within the grace', async () => {
    const { server, peer } = await pair();
    peer.pause();
    const sink = new SseSink(server, { ...CHUNKED, closeGraceMs: 50 });
    while (sink.queuedBytes() === 0) sink.write(big());
    sink.close('shutdown');
    await eventually(() => server.destroyed, 'the connection cut after the grace');
  });

  for (const reason of ['slow', 'stalled', 'memory'] as const) {
    it(`drops the connection at once when closed as ${reason}`, async () => {
      const { server, peer } = await pair();
      peer.pause();
      const sink = new SseSink(server, CHUNKED);
      sink.write(chunk(`data: ${'x'.repeat(1 << 20)}\n\n`));
      sink.close(reason);
      expect(server.destroyed).to.equal(true);
      expect(sink.write(chunk('data: 1\n\n'))).to.equal('closed');
    });
  }

  it('resets the connection when the token expired: what waits in Node or the kernel never reaches the client', async () => {
    const { server, peer, received } = await pair();
    peer.pause();
    const sink = new SseSink(server, CHUNKED);
    let written = 0;
    for (const frame = big(); sink.queuedBytes() === 0; written += frame.length) sink.write(frame);
    // A graceful end (or a plain destroy) would still deliver all of this: the kernel sends what it was given.
    const inKernel = written - sink.queuedBytes();
    const over = new Promise((resolve) => (peer.once('end', resolve), peer.once('error', resolve)));
    sink.close('expired');
    expect(server.destroyed).to.equal(true);
    peer.resume();
    await over;
    expect(received().length, "only what sat in the client's own receive buffer").to.be.below(inKernel);
  });

  it('closes an expired TLS stream too (no TCP reset to send there)', async () => {
    const { server } = await pair();
    const tls = new TLSSocket(server, { isServer: true });
    tls.on('error', () => undefined);
    new SseSink(tls, CHUNKED).close('expired');
    expect(tls.destroyed).to.equal(true);
  });

  it('writes frames without chunk framing when chunked is false, and ends without a last chunk', async () => {
    const { server, peer, received } = await pair();
    const sink = new SseSink(server, { ...CHUNKED, chunked: false });
    sink.write(chunk('id: 1\ndata: "é"\n\n'));
    sink.keepAlive();
    sink.keepAlive();
    const ended = once(peer, 'end');
    sink.close('shutdown');
    await ended;
    expect(received().toString('utf8')).to.equal('id: 1\ndata: "é"\n\n:\n');
  });

  describe('direct writes (past the socket stream)', () => {
    it('offers its descriptor while nothing is queued in its stream, and -1 while bytes wait', async () => {
      const { server, peer } = await pair();
      peer.pause();
      const sink = new SseSink(server, CHUNKED);
      expect(sink.directFd()).to.equal(fdOf(server));
      while (server.writableLength === 0) sink.write(big());
      expect(sink.directFd()).to.equal(-1);
    });

    it('offers no descriptor with FANOUT=stream, to an HTTP/1.0 client, or once destroyed', async () => {
      const { server: off } = await pair();
      expect(new SseSink(off, { ...CHUNKED, direct: false }).directFd()).to.equal(-1);
      const { server: plain } = await pair();
      expect(new SseSink(plain, { ...CHUNKED, chunked: false }).directFd()).to.equal(-1);
      const { server } = await pair();
      const sink = new SseSink(server, CHUNKED);
      server.destroy();
      expect(sink.directFd()).to.equal(-1);
    });

    it('offers no descriptor for a TLS socket: its descriptor carries ciphertext', async () => {
      const { server } = await pair();
      const tls = new TLSSocket(server, { isServer: true });
      tls.on('error', () => undefined);
      expect(new SseSink(tls, CHUNKED).directFd()).to.equal(-1);
      tls.destroy();
    });

    it('answers sent when the write took the whole frame, and counts it as activity (no heartbeat)', async () => {
      const { server, waitFor } = await pair();
      const sink = new SseSink(server, CHUNKED);
      const frame = chunk('id: 1\ndata: 1\n\n');
      expect(writeSync(sink.directFd(), frame)).to.equal(frame.length);
      sink.keepAlive();
      expect(sink.directWritten(frame, frame.length)).to.equal('sent');
      sink.keepAlive();
      expect(await waitFor(frame.length)).to.deep.equal(frame);
      expect(server.bytesWritten, 'no heartbeat went through the stream').to.equal(0);
    });

    it('queues the part of a frame a write left, so the peer reads the frame whole', async () => {
      const { server, waitFor } = await pair();
      const sink = new SseSink(server, CHUNKED);
      const frame = chunk('id: 1\ndata: "split here"\n\n');
      expect(writeSync(sink.directFd(), frame, 0, 7)).to.equal(7);
      expect(sink.directWritten(frame, 7)).to.be.oneOf(['sent', 'queued']);
      expect(await waitFor(frame.length)).to.deep.equal(frame);
    });

    it('queues the whole frame after WOULD_BLOCK', async () => {
      const { server, waitFor } = await pair();
      const sink = new SseSink(server, CHUNKED);
      const frame = chunk('id: 1\ndata: 1\n\n');
      expect(sink.directWritten(frame, WOULD_BLOCK)).to.be.oneOf(['sent', 'queued']);
      expect(await waitFor(frame.length)).to.deep.equal(frame);
    });

    it('destroys the connection after FAILED and answers closed', async () => {
      const { server } = await pair();
      const sink = new SseSink(server, CHUNKED);
      expect(sink.directWritten(chunk('data: 1\n\n'), FAILED)).to.equal('closed');
      expect(server.destroyed).to.equal(true);
    });
  });
});
