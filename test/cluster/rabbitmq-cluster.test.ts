/**
 * sse-hub on a real three-node RabbitMQ cluster (the team's script: AMQP on 127.0.0.1:5681-5683), started
 * once for the whole file (about 20 s), with a node restart after each kill. It takes minutes, so it is
 * outside `npm test`: `.ci/run` runs it; by hand, `npm run build && npx mocha test/cluster/*.test.ts`.
 */
import { expect } from 'chai';
import amqp from 'amqplib';
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { resolveStreamOptions, streamArguments } from '../../src/infrastructure/bus/stream-options';
import type { Config } from '../../src/infrastructure/config/config';
import { TOKENS } from '../../src/tokens';
import { parseChaosArgs } from '../chaos/chaos-options';
import { killLeftovers } from '../chaos/chaos-replicas';
import { CLUSTER_URLS, nodeUrl } from '../chaos/rabbitmq-cluster';
import { runMode } from '../chaos/run-mode';
import { post } from '../support/http';
import { startService } from '../support/in-process-service';
import { readyz } from '../support/replica-set';
import { testConfig } from '../support/test-config';
import { eventually } from '../support/wait';
import { LeaderDeath } from './leader-death';
import { arrivalsByLoop } from './keyed-loops';
import { useRabbitMqCluster } from './use-cluster';

/** Runs `work` on a channel of node 1 of its own; a refusal comes back as its message. */
async function onNode1(work: (channel: amqp.Channel) => Promise<unknown>): Promise<string> {
  const connection = await amqp.connect(nodeUrl(1));
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await work(channel);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

const declare = (stream: string, args: Record<string, unknown>): Promise<string> =>
  onNode1((channel) => channel.assertQueue(stream, { durable: true, arguments: args }));

/** The arguments stream mode declares for `config`, with `clusterSize` replicas. */
const argumentsFor = (config: Config, clusterSize: number | undefined): Record<string, unknown> =>
  streamArguments(
    resolveStreamOptions({
      name: config.amqpStream,
      maxAgeSeconds: config.streamMaxAgeSeconds,
      maxBytes: config.streamMaxBytes,
      historySize: config.historySize,
      initialClusterSize: clusterSize,
    }),
  );

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('sse-hub on a three-node RabbitMQ cluster', function () {
  this.timeout(120_000);
  const cluster = useRabbitMqCluster();
  after(killLeftovers);

  describe('the stream', () => {
    let config: Config;
    beforeEach(() => {
      config = testConfig({ amqpUrl: CLUSTER_URLS, amqpExchange: `test-cluster-${process.pid}-${Date.now()}` });
      config = { ...config, amqpStream: `${config.amqpExchange}.stream` };
    });
    afterEach(() =>
      onNode1(async (channel) => {
        await channel.deleteQueue(config.amqpStream);
        await channel.deleteExchange(config.amqpExchange);
      }),
    );

    it('is declared replicated on every node that AMQP_URL lists (x-initial-cluster-size)', async () => {
      const service = await startService(config);
      try {
        await eventually(async () => (await readyz(service.url)).status === 200, 'ready', 20_000);
        expect(await declare(config.amqpStream, argumentsFor(config, 3))).to.equal('ok');
        const other = await declare(config.amqpStream, argumentsFor(config, 2));
        expect(other).to.match(/inequivalent arg 'x-initial-cluster-size'/);
      } finally {
        await service.stop();
      }
    });

    it('is used as it is when it exists with other settings, with one warning naming the difference', async () => {
      expect(await declare(config.amqpStream, argumentsFor(config, undefined))).to.equal('ok');
      const logs = capture();
      const service = await startService(config, (c) => c.rebindSync(TOKENS.Logger).toConstantValue(logs.logger));
      try {
        await eventually(async () => (await readyz(service.url)).status === 200, 'ready', 20_000);
        // A keyed broadcast is answered once its event has come back through the stream: it is read, too.
        const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': 'existing-stream' };
        expect((await post(`${service.url}/api/v1/sso/broadcast`, { message: 1 }, headers)).status).to.equal(202);
        expect(await declare(config.amqpStream, argumentsFor(config, undefined))).to.equal('ok');
        const warnings = logs.lines.filter((line) => line.includes('the stream exists with other settings'));
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.include('x-initial-cluster-size');
      } finally {
        await service.stop();
      }
    });
  });

  describe('when the stream leader node dies under load', () => {
    const scenario = new LeaderDeath(cluster);
    before(async function () {
      this.timeout(90_000);
      await scenario.setUp();
      await scenario.killUnderLoad();
    });
    after(async function () {
      this.timeout(240_000);
      await scenario.tearDown();
    });

    it('had the leader on the node it killed, where the fetcher and the replica were connected', () => {
      expect(scenario.leader, 'RabbitMQ puts a new stream on the node of the declaring connection').to.equal(
        scenario.node,
      );
    });

    it('fails the replica over to a node that lives and shows the node in use in /metrics', async () => {
      const metrics = scenario.replicaMetrics;
      expect((await metrics.busFailovers.get()).values[0]?.value).to.equal(1);
      const inUse = (await metrics.busNode.get()).values.filter((v) => v.value === 1).map((v) => v.labels.node);
      expect(inUse).to.have.length(1);
      expect(inUse[0])
        .to.match(/^127\.0\.0\.1:568[123]$/)
        .and.not.equal(`127.0.0.1:${5680 + scenario.node!}`);
    });

    it('answers broadcasts caught by the death 503 with Retry-After, never anything else', () => {
      const refusals = scenario.loops!.refusals;
      const messages = new Set(refusals.map((r) => r.message.replace(/^.*"message":"([^"]*)".*$/, '$1')));
      process.stdout.write(
        `      (${refusals.length} refused, of ${scenario.loops!.total}: ${[...messages].join('; ')})\n`,
      );
      expect(refusals.length).to.be.greaterThan(0);
      for (const refusal of refusals) {
        expect(refusal.status, refusal.message).to.equal(503);
        expect(Number(refusal.retryAfter)).to.be.within(1, 30);
      }
    });

    it('delivers every broadcast, retried with its Idempotency-Key, once and in order to clients of both replicas', () => {
      const acknowledged = scenario.loops!.acknowledged;
      for (const client of scenario.clients) {
        expect(arrivalsByLoop(client.received, scenario.run, acknowledged.length)).to.deep.equal(acknowledged);
      }
    });

    it('fails the fetcher over too: its rates reach clients again', () => {
      expect(scenario.ratesAfterFailover).to.be.at.least(3);
      expect(scenario.fetcher!.output()).to.match(
        /"endpoint":"127\.0\.0\.1:568[123] vhost \/"[^\n]*reconnected to RabbitMQ on another node/,
      );
    });

    it('names the nodes in its logs, never the password', () => {
      const lost = `"endpoint":"127.0.0.1:${5680 + scenario.node!} vhost /"`;
      const lines = scenario.logs.lines;
      expect(lines.some((line) => line.includes(lost) && line.includes('lost the RabbitMQ connection'))).to.equal(true);
      expect(lines.some((line) => line.includes('reconnected to RabbitMQ on another node'))).to.equal(true);
      for (const text of [...lines, scenario.fetcher!.output()]) expect(text).not.to.match(/guest:guest|amqp:\/\//);
    });
  });

  describe('chaos, short cluster profile', () => {
    it('loses, duplicates and reorders nothing acknowledged across a SIGKILL of the stream leader', async function () {
      this.timeout(240_000);
      const seed = process.env.CHAOS_SEED ?? String(randomInt(2 ** 31 - 1));
      const argv = ['--cluster', '--profile', 'short', '--mode', 'stream', '--seed', seed];
      const notes: string[] = [];
      const signal = new AbortController().signal;
      const { figures } = await runMode(
        'stream',
        parseChaosArgs(argv, () => 0),
        signal,
        (l) => notes.push(l),
        cluster,
      );
      process.stdout.write(`      (${notes.filter((n) => n.includes('node kill')).join('; ')})\n`);
      const context = `seed ${seed} (CHAOS_SEED=${seed} repeats it); ${notes.join('; ')}`;
      expect(figures.acknowledged, context).to.be.greaterThan(0);
      expect(figures.pause.nodeKills, context).to.have.length(1);
      const { lostPairs, duplicated, outOfOrder } = figures;
      expect({ lostPairs, duplicated, outOfOrder }, context).to.deep.equal({
        lostPairs: 0,
        duplicated: 0,
        outOfOrder: 0,
      });
    });
  });
});
