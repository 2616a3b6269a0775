import { expect } from 'chai';
import type { Channel } from 'amqplib';
import pino from 'pino';
import { ulid } from 'ulid';
import { OffsetIndex } from '../../src/infrastructure/bus/offset-index';
import { resolveStreamOptions, type StreamOptions } from '../../src/infrastructure/bus/stream-options';
import type { ReadResult, StreamRead } from '../../src/infrastructure/bus/stream-read';
import { StreamCursor } from '../../src/infrastructure/bus/stream-cursor';
import { StreamReplay } from '../../src/infrastructure/bus/stream-replay';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { StreamFixture, ulidEvent, type Heard } from '../support/amqp-stream-fixture';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

/** Reads to the end; the ids handed over, then the final result's kind. */
async function readAll(read: StreamRead | 'busy'): Promise<{ ids: string[]; end: ReadResult['kind'] }> {
  if (read === 'busy') throw new Error('busy');
  const ids: string[] = [];
  for (;;) {
    const result = await read.next();
    if (result.kind !== 'events') return { ids, end: result.kind };
    expect(result.events).not.to.be.empty;
    ids.push(...result.events.map((e) => e.id));
  }
}

const outcomes = async (metrics: Metrics): Promise<Record<string, number>> =>
  Object.fromEntries(
    (await metrics.streamReplays.get()).values.map((v) => [String(v.labels.outcome), v.value] as const),
  );

describe('StreamReplay', function () {
  this.timeout(30_000);
  requireRabbitMq();

  let fixture: StreamFixture;
  beforeEach(async () => (fixture = await StreamFixture.open()));
  afterEach(() => fixture.dispose());

  /** A ready consumer that has heard `count` events published one confirm at a time; their ids. */
  async function withEvents(count: number, stream: Partial<StreamOptions> = {}): Promise<[Heard, string[]]> {
    const live = fixture.bus(stream);
    await live.bus.start();
    await eventually(() => live.bus.readiness().ready, 'ready');
    const ids: string[] = [];
    for (let n = 0; n < count; n += 1) {
      const event = ulidEvent(`event ${n}`);
      await fixture.publish([event]);
      ids.push(event.id);
    }
    await eventually(() => live.events().length === count, 'the live consumer to hear them all');
    return [live, ids];
  }

  it('replays what followed an id, up to where the live consumer was at open, from the offset it remembers', async () => {
    const [live, ids] = await withEvents(30);
    const read = live.bus.replay!.open(ids[9]!);
    const later = ulidEvent('after the open');
    await fixture.publish([later]);
    await eventually(() => live.events().includes(later.id), 'the live consumer to hear the later event');
    expect(await readAll(read)).to.deep.equal({ ids: ids.slice(10), end: 'end' });
    expect(await outcomes(live.metrics)).to.deep.equal({ served: 1 });
  });

  it('finds an id it never saw by the time in the id', async () => {
    const [live, ids] = await withEvents(30, { offsetIndexSize: 0 });
    expect(await readAll(live.bus.replay!.open(ids[20]!))).to.deep.equal({ ids: ids.slice(21), end: 'end' });
    expect(await readAll(live.bus.replay!.open(ids[29]!))).to.deep.equal({ ids: [], end: 'end' });
  });

  it('answers not-found for an id the stream does not hold', async () => {
    const [live] = await withEvents(5, { offsetIndexSize: 0 });
    const replay = live.bus.replay!;
    expect(await readAll(replay.open(ulid())), 'never published').to.deep.equal({ ids: [], end: 'not-found' });
    const longAgo = ulid(Date.UTC(2020, 0, 1));
    expect(await readAll(replay.open(longAgo)), 'older than the stream').to.deep.equal({ ids: [], end: 'not-found' });
    expect(await readAll(replay.open('not-a-ulid')), 'no time in it').to.deep.equal({ ids: [], end: 'not-found' });
    expect(await outcomes(live.metrics)).to.deep.equal({ 'not-found': 3 });
  });

  it('answers not-found when more than maxEvents follow the id, by offset or by time', async () => {
    const [live, ids] = await withEvents(30, { replay: { maxEvents: 10 } });
    expect((await readAll(live.bus.replay!.open(ids[18]!))).end).to.equal('not-found');
    expect(await readAll(live.bus.replay!.open(ids[19]!))).to.deep.equal({ ids: ids.slice(20), end: 'end' });

    const byTime = fixture.bus({ offsetIndexSize: 0, historySize: 100, replay: { maxEvents: 10 } });
    await byTime.bus.start();
    await eventually(() => byTime.bus.readiness().ready, 'the second consumer ready');
    // Offsets count every message, this consumer's own probe at the end included.
    expect((await readAll(byTime.bus.replay!.open(ids[15]!))).end).to.equal('not-found');
    expect(await readAll(byTime.bus.replay!.open(ids[22]!))).to.deep.equal({ ids: ids.slice(23), end: 'end' });
  });

  it('answers busy past maxReads, and opens again once a read is closed', async () => {
    const [live, ids] = await withEvents(5, { replay: { maxReads: 2 } });
    const replay = live.bus.replay!;
    const first = replay.open(ids[0]!);
    const second = replay.open(ids[1]!);
    expect(replay.open(ids[2]!)).to.equal('busy');
    if (first === 'busy' || second === 'busy') throw new Error('busy too early');
    first.close();
    expect(await first.next()).to.deep.equal({ kind: 'failed', reason: 'closed' });
    expect(await readAll(replay.open(ids[2]!))).to.deep.equal({ ids: ids.slice(3), end: 'end' });
    expect(await readAll(second)).to.deep.equal({ ids: ids.slice(2), end: 'end' });
    expect(await outcomes(live.metrics)).to.deep.equal({ busy: 1, closed: 1, served: 2 });
    expect(replay.reading).to.equal(0);
  });

  it('reads no further ahead of its reader than its prefetch', async () => {
    const prefetch = 4;
    const [live, ids] = await withEvents(200, { replay: { prefetch } });
    const read = live.bus.replay!.open(ids[0]!);
    if (read === 'busy') throw new Error('busy');
    const first = await read.next();
    expect(first.kind).to.equal('events');
    // A round trip through the broker: time enough for the read to take far more, were it not held back.
    const marker = ulidEvent('marker');
    await fixture.publish([marker]);
    await eventually(() => live.events().includes(marker.id), 'the marker on the live path');
    expect(read.buffered).to.be.at.most(prefetch);
    const rest = await readAll(read);
    expect([...(first.kind === 'events' ? first.events.map((e) => e.id) : []), ...rest.ids]).to.deep.equal(
      ids.slice(1),
    );
  });

  it('fails, rather than ends, when its connection goes', async () => {
    const { host, port } = rabbitMqAddress();
    const proxy = await TcpProxy.start(port, host);
    try {
      const live = fixture.bus({ replay: { prefetch: 2 } }, { url: rabbitMqUrlVia(proxy.port) });
      await live.bus.start();
      await eventually(() => live.bus.readiness().ready, 'ready');
      // One chunk each: the broker sends a whole chunk past the prefetch, and the read must not hold them all.
      const events = Array.from({ length: 20 }, (_, n) => ulidEvent(`event ${n}`));
      for (const event of events) await fixture.publish([event]);
      await eventually(() => live.events().length === 20, 'the events');
      const read = live.bus.replay!.open(events[0]!.id);
      if (read === 'busy') throw new Error('busy');
      expect((await read.next()).kind).to.equal('events');
      proxy.cut();
      let result = await read.next();
      while (result.kind === 'events') result = await read.next();
      expect(result.kind).to.equal('failed');
      expect(await outcomes(live.metrics)).to.deep.equal({ failed: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('closes its channel when closed, when read to the end, and when the id is not found', async () => {
    const [, ids] = await withEvents(20);
    const entries = await fixture.streamEntries();
    const cursor = new StreamCursor();
    cursor.begin({ start: 0, loadFrom: 0, target: -1 });
    cursor.advance(entries.at(-1)!.offset, Buffer.alloc(0), undefined);
    const opened: Channel[] = [];
    const closed: Channel[] = [];
    const replay = new StreamReplay({
      stream: fixture.stream,
      limits: resolveStreamOptions({ name: fixture.stream, maxAgeSeconds: 1, maxBytes: 1, historySize: 0 }).replay,
      maxMessageBytes: 1_048_576,
      cursor,
      index: new OffsetIndex(0),
      openChannel: async () => {
        const channel = await fixture.raw.createChannel();
        opened.push(channel);
        channel.on('close', () => closed.push(channel));
        return channel;
      },
      logger: pino({ level: 'silent' }),
      metrics: new Metrics(),
    });

    const closing = replay.open(ids[0]!);
    if (closing === 'busy') throw new Error('busy');
    expect((await closing.next()).kind).to.equal('events');
    closing.close();
    await eventually(() => closed.length === 1, 'the closed read to close its channel');

    expect(await readAll(replay.open(ids[10]!))).to.deep.equal({ ids: ids.slice(11), end: 'end' });
    await eventually(() => closed.length === 2, 'the finished read to close its channel');

    expect((await readAll(replay.open(ulid()))).end).to.equal('not-found');
    await eventually(() => closed.length === 3, 'the not-found read to close its channel');
    expect(opened).to.have.length(3);
  });
});
