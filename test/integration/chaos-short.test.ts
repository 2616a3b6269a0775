/**
 * The short chaos profile in stream mode, as part of `npm test`: broker cuts of each replica and a replica
 * killed, with every acknowledged event checked at every client. The long profile is `npm run chaos --
 * --profile long`. CHAOS_SEED=<n> repeats a fault plan.
 */
import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { requireRabbitMq } from '../support/require-rabbitmq';
import { parseChaosArgs } from '../chaos/chaos-options';
import { killLeftovers } from '../chaos/chaos-replicas';
import { runMode } from '../chaos/run-mode';

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
