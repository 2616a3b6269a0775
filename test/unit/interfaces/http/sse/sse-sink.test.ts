import { expect } from 'chai';
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import type net from 'node:net';
import { FAILED, WOULD_BLOCK } from '../../../../../src/interfaces/http/sse/fanout/fd-write';
import { chunk, LAST_CHUNK } from '../../../../../src/interfaces/http/sse/http-chunk';
import { HEARTBEAT_FRAME, RESET_FRAME } from '../../../../../src/interfaces/http/sse/sse-frames';
import { SseSink } from '../../../../../src/interfaces/http/sse/sse-sink';
import { fdOf, pairListener, socketPair, type Pair } from '../../../../support/socket-pair';

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

  it('writes the exact bytes of each frame it delivers', async () => {
    const { server, waitFor } = await pair();
    const sink = new SseSink(server, 1 << 20, true);
    const first = chunk('id: 1\ndata: "é"\n\n');
    const second = chunk('id: 2\ndata: 2\n\n');
    expect(sink.deliver(first)).to.equal('sent');
    expect(sink.deliver(second)).to.equal('sent');
    const expected = Buffer.concat([first, second]);
    expect(await waitFor(expected.length)).to.deep.equal(expected);
  });

  it('writes the reset frame on reset', async () => {
    const { server, waitFor } = await pair();
    expect(new SseSink(server, 1 << 20, true).reset()).to.equal('sent');
    expect(await waitFor(RESET_FRAME.length)).to.deep.equal(RESET_FRAME);
  });

  it('answers overflow once more than limit bytes wait for a peer that does not read', async () => {
    const { server, peer } = await pair();
    peer.pause();
    const limit = 64 * 1024;
    const sink = new SseSink(server, limit, true);
    const big = chunk(`data: ${'x'.repeat(256 * 1024)}\n\n`);
    let answer = sink.deliver(big);
    let writes = 1;
    while (answer === 'sent' && writes < 2_000) {
      answer = sink.deliver(big);
      writes += 1;
    }
    expect(answer).to.equal('overflow');
    expect(server.writableLength).to.be.above(limit);
  });

  it('answers sent while the queue stays within the limit', async () => {
    const { server, peer } = await pair();
    peer.pause();
    const sink = new SseSink(server, 1 << 30, true);
    const big = chunk(`data: ${'x'.repeat(256 * 1024)}\n\n`);
    for (let n = 0; n < 40; n += 1) expect(sink.deliver(big)).to.equal('sent');
  });

  it('answers closed after the socket is destroyed', async () => {
    const { server } = await pair();
    const sink = new SseSink(server, 1 << 20, true);
    server.destroy();
    expect(sink.deliver(chunk('data: 1\n\n'))).to.equal('closed');
    expect(sink.reset()).to.equal('closed');
    expect(sink.keepAlive()).to.equal('closed');
  });

  it('answers closed once the peer has gone away', async () => {
    const { server, peer } = await pair();
    const sink = new SseSink(server, 1 << 20, true);
    peer.destroy();
    await once(server, 'close');
    expect(sink.deliver(chunk('data: 1\n\n'))).to.equal('closed');
  });

  it('sends a heartbeat on the second keep-alive tick (half a HEARTBEAT_MS each) without a write', async () => {
    const { server, received, waitFor } = await pair();
    const sink = new SseSink(server, 1 << 20, true);
    expect(sink.keepAlive()).to.equal('sent'); // one idle tick: no heartbeat yet
    expect(server.bytesWritten).to.equal(0);
    expect(sink.keepAlive()).to.equal('sent'); // two idle ticks, a whole period: heartbeat
    expect(server.bytesWritten).to.equal(HEARTBEAT_FRAME.length);
    const frame = chunk('data: 1\n\n');
    sink.deliver(frame);
    sink.keepAlive(); // one tick since the delivery: no heartbeat
    expect(server.bytesWritten).to.equal(HEARTBEAT_FRAME.length + frame.length);
    sink.keepAlive(); // two ticks since the delivery: heartbeat
    const expected = Buffer.concat([HEARTBEAT_FRAME, frame, HEARTBEAT_FRAME]);
    expect(await waitFor(expected.length)).to.deep.equal(expected);
    expect(received().length).to.equal(expected.length);
  });

  it('ends a chunked stream with the last chunk on shutdown', async () => {
    const { server, peer, received } = await pair();
    const sink = new SseSink(server, 1 << 20, true);
    const frame = chunk('id: 1\ndata: 1\n\n');
    sink.deliver(frame);
    const ended = once(peer, 'end');
    sink.close('shutdown');
    await ended;
    expect(received()).to.deep.equal(Buffer.concat([frame, LAST_CHUNK]));
    expect(received().subarray(-5).toString('latin1')).to.equal('0\r\n\r\n');
    expect(sink.deliver(frame)).to.equal('closed');
  });

  it('drops the connection at once when closed as slow', async () => {
    const { server, peer } = await pair();
    peer.pause();
    const sink = new SseSink(server, 1, true);
    sink.deliver(chunk(`data: ${'x'.repeat(1 << 20)}\n\n`));
    sink.close('slow');
    expect(server.destroyed).to.equal(true);
    expect(sink.deliver(chunk('data: 1\n\n'))).to.equal('closed');
  });

  it('writes frames without chunk framing when chunked is false, and ends without a last chunk', async () => {
    const { server, peer, received } = await pair();
    const sink = new SseSink(server, 1 << 20, false);
    sink.deliver(chunk('id: 1\ndata: "é"\n\n'));
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
      const sink = new SseSink(server, 1 << 30, true);
      expect(sink.directFd()).to.equal(fdOf(server));
      const big = chunk(`data: ${'x'.repeat(1 << 20)}\n\n`);
      while (server.writableLength === 0) sink.deliver(big);
      expect(sink.directFd()).to.equal(-1);
    });

    it('offers no descriptor to an HTTP/1.0 client (its frames are unchunked) or once destroyed', async () => {
      const { server: plain } = await pair();
      expect(new SseSink(plain, 1 << 20, false).directFd()).to.equal(-1);
      const { server } = await pair();
      const sink = new SseSink(server, 1 << 20, true);
      server.destroy();
      expect(sink.directFd()).to.equal(-1);
    });

    it('answers sent when the write took the whole frame, and counts it as activity (no heartbeat)', async () => {
      const { server, waitFor } = await pair();
      const sink = new SseSink(server, 1 << 20, true);
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
      const sink = new SseSink(server, 1 << 20, true);
      const frame = chunk('id: 1\ndata: "split here"\n\n');
      expect(writeSync(sink.directFd(), frame, 0, 7)).to.equal(7);
      expect(sink.directWritten(frame, 7)).to.equal('sent');
      expect(await waitFor(frame.length)).to.deep.equal(frame);
    });

    it('queues the whole frame after WOULD_BLOCK', async () => {
      const { server, waitFor } = await pair();
      const sink = new SseSink(server, 1 << 20, true);
      const frame = chunk('id: 1\ndata: 1\n\n');
      expect(sink.directWritten(frame, WOULD_BLOCK)).to.equal('sent');
      expect(await waitFor(frame.length)).to.deep.equal(frame);
    });

    it('answers overflow when what it had to queue is over the limit', async () => {
      const { server, peer } = await pair();
      peer.pause();
      const sink = new SseSink(server, 1024, true);
      const frame = chunk(`data: ${'x'.repeat(64 * 1024)}\n\n`);
      let answer = sink.directWritten(frame, WOULD_BLOCK);
      for (let n = 0; answer === 'sent' && n < 2_000; n += 1) answer = sink.directWritten(frame, WOULD_BLOCK);
      expect(answer).to.equal('overflow');
    });

    it('destroys the connection after FAILED and answers closed', async () => {
      const { server } = await pair();
      const sink = new SseSink(server, 1 << 20, true);
      expect(sink.directWritten(chunk('data: 1\n\n'), FAILED)).to.equal('closed');
      expect(server.destroyed).to.equal(true);
    });
  });
});
