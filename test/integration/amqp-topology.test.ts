import { expect } from 'chai';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import pino from 'pino';
import { AmqpEventBus } from '../../src/infrastructure/bus/amqp-event-bus';
import { declareTopology } from '../../src/infrastructure/bus/amqp-topology';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { ExchangeTap } from '../support/exchange-tap';
import { RABBITMQ_URL, requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';

const EXCHANGE = `test-topology-${process.pid}-${Date.now()}`;
const quiet = pino({ level: 'silent' });
const RESOURCE_LOCKED = 405;
const NOT_FOUND = 404;

/** The AMQP reply code the broker refused `operation` with, or undefined if it went through. */
async function replyCode(operation: Promise<unknown>): Promise<number | undefined> {
  try {
    await operation;
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

/**
 * Each replica consumes through a queue of its own that must not outlive it
 * (a durable or shared queue would pile up events for a replica that is gone,
 * or split them between replicas). Checked on the broker itself, without the
 * management plugin: what another connection may do with the queue, and
 * whether it still exists.
 */
describe('the per-replica AMQP queue', () => {
  requireRabbitMq();

  const connections: ChannelModel[] = [];
  const connect = async (): Promise<ChannelModel> => {
    const connection = await amqp.connect(RABBITMQ_URL);
    connections.push(connection);
    return connection;
  };
  /** A fresh channel: an operation the broker refuses closes its channel, an expected error here. */
  const channelOn = async (connection: ChannelModel): Promise<Channel> => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return channel;
  };

  let ran = false;
  beforeEach(() => (ran = true));
  afterEach(() => Promise.all(connections.splice(0).map((c) => c.close().catch(() => undefined))));
  after(async () => {
    if (!ran) return; // skipped for want of a broker
    const connection = await connect();
    await (await channelOn(connection)).deleteExchange(EXCHANGE);
    await connection.close();
  });

  it('is exclusive to the connection that declared it, and deleted with its last consumer', async () => {
    const owner = await connect();
    // The queue is server-named: record the name the broker gives it when the topology declares it.
    const declared: string[] = [];
    const createChannel = owner.createChannel.bind(owner);
    owner.createChannel = async () => {
      const channel = await createChannel();
      const assertQueue = channel.assertQueue.bind(channel);
      channel.assertQueue = async (name, options) => {
        const reply = await assertQueue(name, options);
        declared.push(reply.queue);
        return reply;
      };
      return channel;
    };
    const consume = { maxMessageBytes: 1_024, listeners: [], logger: quiet, metrics: new Metrics() };
    const settings = { exchange: EXCHANGE, prefetch: 1, consume };
    const topology = await declareTopology(
      owner,
      settings,
      () => undefined,
      () => undefined,
    );
    expect(declared).to.have.length(1);
    const queue = declared[0]!;

    expect(await replyCode((await channelOn(owner)).checkQueue(queue)), 'its owner sees it').to.equal(undefined);
    const other = await connect();
    expect(await replyCode((await channelOn(other)).checkQueue(queue)), 'declared elsewhere').to.equal(RESOURCE_LOCKED);
    const stolen = (await channelOn(other)).consume(queue, () => undefined);
    expect(await replyCode(stolen), 'consumed elsewhere').to.equal(RESOURCE_LOCKED);

    // Auto-delete, apart from exclusive: the connection stays open, only the consumer goes.
    await topology.consumer!.channel.cancel(topology.consumer!.tag);
    await eventually(
      async () => (await replyCode((await channelOn(owner)).checkQueue(queue))) === NOT_FOUND,
      'the queue to be deleted with its consumer',
    );
  });

  it('is gone once its bus closes: nothing is left bound to the exchange', async () => {
    const bus = new AmqpEventBus({ url: RABBITMQ_URL, exchange: EXCHANGE }, quiet, new Metrics());
    bus.listen({ event: () => undefined, gap: () => undefined });
    const tap = await ExchangeTap.open(EXCHANGE);
    try {
      await bus.start();
      expect(bus.readiness().ready).to.equal(true);
      expect(await tap.bindsAnyQueue(), 'the running bus has its queue bound').to.equal(true);
      await bus.close();
      await eventually(async () => !(await tap.bindsAnyQueue()), 'no queue left bound after close');
    } finally {
      await bus.close();
      await tap.close();
    }
  });
});
