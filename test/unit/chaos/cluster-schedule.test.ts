import { expect } from 'chai';
import { CLUSTER_PROFILES } from '../../../test/chaos/chaos-options';
import { clusterSchedule } from '../../../test/chaos/cluster-schedule';

const SEEDS = Array.from({ length: 100 }, (_, n) => n * 7_919);

describe('clusterSchedule', () => {
  it('gives the same plan for the same seed', () => {
    const s = CLUSTER_PROFILES.long.cluster;
    expect(clusterSchedule(s, 42)).to.deep.equal(clusterSchedule(s, 42));
  });

  it('kills the leader three times and another node once in the long profile, after a replica kill', () => {
    const s = CLUSTER_PROFILES.long.cluster;
    for (const seed of SEEDS) {
      const plan = clusterSchedule(s, seed);
      expect(plan[0]).to.deep.include({ kind: 'kill', at: s.marginMs });
      const targets = plan.slice(1).map((a) => (a.kind === 'node' ? a.target : a.kind));
      expect([...targets].sort()).to.deep.equal(['leader', 'leader', 'leader', 'other']);
    }
  });

  it('chains every fault a margin after the previous, with down times in range', () => {
    const s = CLUSTER_PROFILES.long.cluster;
    for (const action of clusterSchedule(s, 7)) {
      expect(action.chained).to.equal(s.marginMs);
      if (action.kind !== 'cut') expect(action.downMs).to.be.within(s.downMs[0], s.downMs[1]);
    }
  });

  it('puts the non-leader kill at different places depending on the seed', () => {
    const places = new Set(
      SEEDS.map((seed) =>
        clusterSchedule(CLUSTER_PROFILES.long.cluster, seed).findIndex((a) => 'target' in a && a.target === 'other'),
      ),
    );
    expect(places.size).to.be.at.least(3);
  });

  it('kills the leader once and nothing else in the short profile', () => {
    const plan = clusterSchedule(CLUSTER_PROFILES.short.cluster, 1);
    expect(plan).to.have.length(1);
    expect(plan[0]).to.deep.include({ kind: 'node', target: 'leader' });
  });
});
