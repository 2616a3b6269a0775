import { expect } from 'chai';
import type { Channel } from 'amqplib';
import pino from 'pino';
import { streamArguments, resolveStreamOptions } from '../../src/infrastructure/bus/stream-options';
import { StreamFixture, ulidEvent } from '../support/amqp-stream-fixture';
import { requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';

const PRECONDITION_FAILED = 406;

/** The reply code of a declaration on a throwaway channel (a refusal closes its channel), or undefined. */
async function declareCode(fixture: StreamFixture, declare: (channel: Channel) => Promise<unknown>) {
  const channel = await fixture.raw.createChannel();
  channel.on('error', () => undefined);
  try {
    await declare(channel);
    await channel.close();
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

/** A logger that keeps its lines, parsed. */
function recordingLogger(level: 'debug' | 'warn') {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as never) });
  return { logger, lines };
}

describe('AmqpEventBus stream topology', function () {
  this.timeout(30_000);
  requireRabbitMq();

  let fixture: StreamFixture;
  beforeEach(async () => (fixture = await StreamFixture.open()));
  afterEach(() => fixture.dispose());

  it('declares the durable stream with our arguments and binds it to the exchange', async () => {
    const { logger, lines } = recordingLogger('warn');
    const a = fixture.bus({ maxAgeSeconds: 7_200, maxBytes: 5_000_000 }, {}, true, logger);
    await a.bus.start();
    await eventually(() => a.bus.readiness().ready, 'ready');

    const ours = streamArguments(
      resolveStreamOptions({ name: fixture.stream, maxAgeSeconds: 7_200, maxBytes: 5_000_000, historySize: 0 }),
    );
    expect(ours).to.include({ 'x-queue-type': 'stream', 'x-max-age': '7200s', 'x-max-length-bytes': 5_000_000 });
    const same = (c: Channel) => c.assertQueue(fixture.stream, { durable: true, arguments: ours });
    expect(await declareCode(fixture, same), 'the same arguments are equivalent').to.equal(undefined);
    const older = (c: Channel) =>
      c.assertQueue(fixture.stream, { durable: true, arguments: { ...ours, 'x-max-age': '60s' } });
    expect(await declareCode(fixture, older), 'another age is not').to.equal(PRECONDITION_FAILED);

    const event = ulidEvent('bound');
    await fixture.publish([event]);
    await eventually(() => a.events().includes(event.id), 'the event through the exchange');
    expect(await fixture.streamIds()).to.deep.equal([event.id]);
    expect(lines).to.deep.equal([]);
  });

  it('uses an existing stream with other arguments as it is, with one warning', async () => {
    const theirs = { 'x-queue-type': 'stream', 'x-max-age': '1D', 'x-stream-max-segment-size-bytes': 1_000_000 };
    await fixture.channel.assertQueue(fixture.stream, { durable: true, arguments: theirs });
    const { logger, lines } = recordingLogger('warn');
    const a = fixture.bus({}, {}, true, logger);
    await a.bus.start();
    await eventually(() => a.bus.readiness().ready, 'ready');
    const event = ulidEvent('existing');
    expect((await a.bus.publish(event)).ok).to.equal(true);
    await eventually(() => a.events().includes(event.id), 'the event');

    expect(lines.map((l) => l.msg)).to.deep.equal([
      'the stream exists with other settings than STREAM_MAX_AGE_S/STREAM_MAX_BYTES ask for; using it as it is',
    ]);
    const unchanged = (c: Channel) => c.assertQueue(fixture.stream, { durable: true, arguments: theirs });
    expect(await declareCode(fixture, unchanged), 'its own arguments still hold').to.equal(undefined);
  });

  it('refuses a queue of another type under the stream name: one error line naming AMQP_QUEUE=exclusive, retries at the cap', async () => {
    await fixture.channel.assertQueue(fixture.stream, { durable: false });
    const { logger, lines } = recordingLogger('debug');
    const a = fixture.bus({}, { backoff: { initialMs: 5, maxMs: 50 } }, true, logger);
    await a.bus.start();
    const readiness = a.bus.readiness();
    expect(readiness.ready).to.equal(false);
    if (!readiness.ready) expect(readiness.reason).to.include('is not a stream').and.to.include('AMQP_QUEUE=exclusive');

    await eventually(() => lines.filter((l) => l.msg === 'RabbitMQ refused again').length >= 2, 'two more refusals');
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).to.have.length(1);
    expect(errors[0]!.msg).to.include('AMQP_QUEUE=exclusive');

    await fixture.channel.deleteQueue(fixture.stream);
    await eventually(() => a.bus.readiness().ready, 'ready once the queue is gone and the stream declared');
  });

  it('drops and counts malformed messages in the stream, and hands on the next valid one', async () => {
    const a = fixture.bus();
    await a.bus.start();
    await eventually(() => a.bus.readiness().ready, 'ready');
    for (const body of ['not json', JSON.stringify({ v: 1, id: 'x y', topic: 'broadcast', data: 1, publishedAt: 1 })]) {
      fixture.channel.publish(fixture.exchange, '', Buffer.from(body));
    }
    const good = ulidEvent('valid');
    await fixture.publish([good]);
    await eventually(() => a.events().length === 1, 'the valid event');
    expect(a.events()).to.deep.equal([good.id]);
    expect((await a.metrics.busMessagesRejected.get()).values[0]?.value).to.equal(2);
  });

  it('declares the stream from a publish-only bus, so a consumer that starts later loads what it published', async () => {
    const fetcher = fixture.bus({}, {}, false);
    await fetcher.bus.start();
    expect(fetcher.bus.readiness().ready).to.equal(true);
    const first = ulidEvent('before any consumer');
    expect((await fetcher.bus.publish(first)).ok).to.equal(true);

    const late = fixture.bus({ historySize: 10 });
    await late.bus.start();
    await eventually(() => late.bus.readiness().ready, 'the late consumer to be ready');
    expect(late.events()).to.deep.equal([first.id]);
  });
});
