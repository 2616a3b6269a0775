import { expect } from 'chai';
import { PROFILES } from '../../../test/chaos/chaos-options';
import { faultSchedule, type FaultAction, type ScheduleSettings } from '../../../test/chaos/fault-schedule';

const SEEDS = Array.from({ length: 100 }, (_, n) => n * 7_919);

type Cut = Extract<FaultAction, { kind: 'cut' }>;
type Kill = Extract<FaultAction, { kind: 'kill' }>;
const cutsOf = (plan: readonly FaultAction[], replica: number): Cut[] =>
  plan.filter((a): a is Cut => a.kind === 'cut' && a.replica === replica);
const killOf = (plan: readonly FaultAction[]): Kill[] => plan.filter((a): a is Kill => a.kind === 'kill');

function checkPlan(s: ScheduleSettings, plan: readonly FaultAction[]): void {
  const [kill, ...moreKills] = killOf(plan);
  expect(moreKills, 'one kill').to.deep.equal([]);
  expect(kill!.at).to.be.within(s.publishMs * s.killAt[0], s.publishMs * s.killAt[1]);
  expect(kill!.downMs).to.be.within(s.downMs[0], s.downMs[1]);
  const deadUntil = kill!.at + kill!.downMs + s.restartMs;
  for (let replica = 0; replica < s.replicas; replica += 1) {
    const cuts = cutsOf(plan, replica);
    for (const [n, cut] of cuts.entries()) {
      expect(cut.durationMs).to.be.within(s.cutMs[0], s.cutMs[1]);
      expect(cut.at).to.be.at.least(s.marginMs);
      expect(cut.at + cut.durationMs).to.be.at.most(s.publishMs - s.marginMs);
      const next = cuts[n + 1];
      if (next !== undefined) expect(next.at - (cut.at + cut.durationMs)).to.be.at.least(s.marginMs);
      if (replica === kill!.replica) {
        const clear = cut.at + cut.durationMs < kill!.at - s.marginMs || cut.at > deadUntil + s.marginMs;
        expect(clear, `cut at ${cut.at} clear of the kill at ${kill!.at}`).to.equal(true);
      }
    }
  }
}

describe('faultSchedule', () => {
  it('gives the same plan for the same seed and another for another seed', () => {
    const s = PROFILES.short.schedule;
    expect(faultSchedule(s, 42)).to.deep.equal(faultSchedule(s, 42));
    expect(faultSchedule(s, 42)).not.to.deep.equal(faultSchedule(s, 43));
  });

  it('lists the faults in the order they strike', () => {
    const plan = faultSchedule(PROFILES.long.schedule, 5);
    expect(plan.map((a) => a.at)).to.deep.equal([...plan.map((a) => a.at)].sort((x, y) => x - y));
  });

  for (const name of ['short', 'long'] as const) {
    it(`keeps every ${name} plan within its bounds: one kill, cuts in range, apart, and clear of the kill`, () => {
      const s = PROFILES[name].schedule;
      for (const seed of SEEDS) checkPlan(s, faultSchedule(s, seed));
    });
  }

  it('makes at least 20 cuts of each replica in the long profile, the killed one included', () => {
    const s = PROFILES.long.schedule;
    for (const seed of SEEDS) {
      const plan = faultSchedule(s, seed);
      for (let replica = 0; replica < s.replicas; replica += 1) {
        expect(cutsOf(plan, replica).length, `seed ${seed} replica ${replica}`).to.be.at.least(20);
      }
    }
  });

  it('makes a few cuts of each replica in the short profile, and at least one of the killed one', () => {
    const s = PROFILES.short.schedule;
    for (const seed of SEEDS) {
      const plan = faultSchedule(s, seed);
      const victim = killOf(plan)[0]!.replica;
      expect(cutsOf(plan, 1 - victim).length).to.equal(s.cutsPerReplica);
      expect(cutsOf(plan, victim).length, `seed ${seed}`).to.be.at.least(1);
    }
  });

  it('kills either replica, depending on the seed', () => {
    const victims = new Set(SEEDS.map((seed) => killOf(faultSchedule(PROFILES.short.schedule, seed))[0]!.replica));
    expect([...victims].sort()).to.deep.equal([0, 1]);
  });
});
