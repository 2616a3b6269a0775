/**
 * The short chaos profile in stream mode, as a mocha test. Not part of
 * `npm test` yet (its globs are test/unit, test/integration, test/e2e): it
 * cannot pass until AMQP_QUEUE=stream and Idempotency-Key land; then move it
 * into test/integration. Run it alone: `npm run build && npx mocha test/chaos/chaos-short.test.ts`.
 * CHAOS_SEED=<n> repeats a fault plan.
 */
import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { requireRabbitMq } from '../support/require-rabbitmq';
import { parseChaosArgs } from './chaos-options';
import { killLeftovers } from './chaos-replicas';
import { runMode } from './run-mode';

describe('chaos, short profile, AMQP_QUEUE=stream', function () {
  this.timeout(120_000);
  requireRabbitMq();
  after(killLeftovers);

  it('loses, duplicates and reorders no acknowledged event across broker cuts and a replica SIGKILL', async () => {
    const seed = process.env.CHAOS_SEED ?? String(randomInt(2 ** 31 - 1));
    const options = parseChaosArgs(['--profile', 'short', '--mode', 'stream', '--seed', seed], () => 0);
    const notes: string[] = [];
    const { figures } = await runMode('stream', options, new AbortController().signal, (line) => notes.push(line));
    const context = `seed ${seed} (CHAOS_SEED=${seed} repeats it); ${notes.join('; ')}`;
    expect(figures.acknowledged, context).to.be.greaterThan(0);
    const { lostPairs, duplicated, outOfOrder } = figures;
    expect({ lostPairs, duplicated, outOfOrder }, context).to.deep.equal({
      lostPairs: 0,
      duplicated: 0,
      outOfOrder: 0,
    });
  });
});
