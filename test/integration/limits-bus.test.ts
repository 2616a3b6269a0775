import amqp, { type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import { expect } from 'chai';
import { encodeEnvelope } from '../../src/infrastructure/bus/amqp-envelope';
import { RecordingEventSource } from '../support/event-source-client';
import { testEvent } from '../support/events';
import { post } from '../support/http';
import { freshExchange, metricValue, readyz, ReplicaSet, untilReady } from '../support/replica-set';
import { RABBITMQ_URL, requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';

const REJECTED = 'sse_bus_messages_rejected_total';

interface Message {
  content: Buffer;
  options: Options.Publish;
  headers: Record<string, unknown>;
}

/** A valid v2 message (what a replica publishes), for the cases to spoil one part of. */
function valid(id: string): Message {
  const { content, options } = encodeEnvelope(testEvent(id, { topic: 'bus.test', data: { ok: id } }));
  return { content, options: { ...options }, headers: { ...(options.headers as Record<string, unknown>) } };
}

/** Every kind of bad message a publisher on the exchange could send, each one spoilt in one way. */
function badMessages(): Record<string, Message> {
  const deep = Buffer.from('['.repeat(10_000) + ']'.repeat(10_000));
  const cases: Record<string, Message> = {};
  const spoil = (what: string, change: (m: Message) => void): void => {
    const message = valid(`bad-${Object.keys(cases).length}`);
    change(message);
    cases[what] = message;
  };
  spoil('a body that is not JSON (v2 headers)', (m) => (m.content = Buffer.from('{"message": not json')));
  spoil('a body that is not JSON (no headers: read as v1)', (m) => {
    m.content = Buffer.from('not json at all');
    m.headers = {};
  });
  spoil('a body that is not UTF-8', (m) => (m.content = Buffer.from([0x22, 0xff, 0xfe, 0x22])));
  spoil('JSON nested 10,000 levels deep (~20 KB), v2 headers', (m) => (m.content = deep));
  spoil('JSON nested 10,000 levels deep as a v1 envelope', (m) => {
    m.content = Buffer.from(`{"v":1,"id":"deep-v1","topic":"bus.test","publishedAt":1,"data":${deep.toString()}}`);
    m.headers = {};
  });
  spoil('a message over 1 MiB', (m) => (m.content = Buffer.from(JSON.stringify({ pad: 'p'.repeat(1_100_000) }))));
  spoil('an unknown envelope version (x-sse-v: 3)', (m) => (m.headers['x-sse-v'] = 3));
  spoil('an envelope version that is a string', (m) => (m.headers['x-sse-v'] = '2'));
  spoil('an unknown x-sse- header (x-sse-colour)', (m) => (m.headers['x-sse-colour'] = 'red'));
  spoil('private: "yes"', (m) => (m.headers['x-sse-private'] = 'yes'));
  spoil('a reserved event name (reset)', (m) => (m.headers['x-sse-event'] = 'reset'));
  spoil('a reserved event name (heartbeat)', (m) => (m.headers['x-sse-event'] = 'heartbeat'));
  spoil('an event name with a line break', (m) => (m.headers['x-sse-event'] = 'a\ndata: injected'));
  spoil('a message id with a space and a line break', (m) => (m.options.messageId = 'bad id\nid: x'));
  spoil('no message id', (m) => delete m.options.messageId);
  spoil('a topic with a space', (m) => (m.headers['x-sse-topic'] = 'bad topic'));
  spoil('a publish time that is not a number', (m) => (m.headers['x-sse-published-at'] = 'yesterday'));
  spoil('a negative publish time', (m) => (m.headers['x-sse-published-at'] = -1));
  spoil('a bad idempotency key', (m) => (m.headers['x-sse-key'] = 'no spaces allowed'));
  return cases;
}

describe('the bus is untrusted: bad messages straight on the exchange (two replicas)', function () {
  this.timeout(30_000);
  requireRabbitMq();

  const set = new ReplicaSet(freshExchange('untrusted'));
  let replicas: ServiceProcess[] = [];
  let clients: RecordingEventSource[] = [];
  let connection: ChannelModel | undefined;
  let channel: ConfirmChannel;

  before(async () => {
    replicas = await Promise.all([0, 1].map(() => set.spawn('server', { AMQP_QUEUE: 'exclusive' })));
    await Promise.all(replicas.map((replica) => untilReady(replica.url)));
    clients = replicas.map((r) => new RecordingEventSource(`${r.url}/api/v1/sso/stream`, ['reset', 'heartbeat']));
    await Promise.all(clients.map((c) => c.waitOpen()));
    const opened = await amqp.connect(RABBITMQ_URL);
    connection = opened;
    channel = await opened.createConfirmChannel();
  });
  after(async () => {
    await connection?.close();
    await set.stopAll();
    clients.forEach((c) => c.close());
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  it('drops and counts every bad message on each replica, stays up, and still delivers a good broadcast', async () => {
    const cases = badMessages();
    const before = await Promise.all(replicas.map(async (r) => (await metricValue(r.url, REJECTED)) ?? NaN));
    for (const m of Object.values(cases))
      channel.publish(set.exchange, '', m.content, { ...m.options, headers: m.headers });
    await channel.waitForConfirms();

    const expected = before.map((n) => n + Object.keys(cases).length);
    const counts = (): Promise<number[]> =>
      Promise.all(replicas.map(async (r) => (await metricValue(r.url, REJECTED)) ?? NaN));
    await eventually(
      async () => JSON.stringify(await counts()) === JSON.stringify(expected),
      `${Object.keys(cases).length} rejections on each replica`,
      10_000,
    );
    for (const replica of replicas) {
      expect((await fetch(`${replica.url}/healthz`)).status).to.equal(200);
      expect((await readyz(replica.url)).status).to.equal(200);
    }

    const answer = await post(`${replicas[0]!.url}/api/v1/sso/broadcast`, { message: 'after the bad ones' });
    expect(answer.status).to.equal(202);
    for (const client of clients) {
      await client.waitFor((r) => r.some((m) => m.lastEventId === answer.json.id));
      expect(client.received, 'nothing from the bad messages reached a client').to.deep.equal([
        { type: 'message', data: '{"message":"after the bad ones"}', lastEventId: answer.json.id },
      ]);
    }
    expect(await counts(), 'the good one is not counted as rejected').to.deep.equal(expected);
  });

  it('still takes a valid v2 message from another publisher (the cases above fail for their one fault)', async () => {
    const good = valid('external-good-1');
    channel.publish(set.exchange, '', good.content, { ...good.options, headers: good.headers });
    await channel.waitForConfirms();
    for (const client of clients) {
      await client.waitFor((r) => r.some((m) => m.lastEventId === 'external-good-1'));
      expect(client.received.at(-1)).to.deep.equal({
        type: 'message',
        data: '{"ok":"external-good-1"}',
        lastEventId: 'external-good-1',
      });
    }
  });
});
