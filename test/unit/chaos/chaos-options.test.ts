import { expect } from 'chai';
import { CLUSTER_PROFILES, parseChaosArgs, PROFILES } from '../../../test/chaos/chaos-options';

const parse = (...argv: string[]) => parseChaosArgs(argv, () => 1234);

describe('parseChaosArgs', () => {
  it('runs the short profile, both modes, stream first, with a random seed by default', () => {
    expect(parse()).to.deep.include({
      profile: 'short',
      modes: ['stream', 'exclusive'],
      clients: 4,
      rate: 20,
      seed: 1234,
    });
    expect(parse().schedule).to.equal(PROFILES.short.schedule);
  });

  it('takes every option', () => {
    const options = parse('--profile', 'long', '--mode', 'exclusive', '--clients', '2', '--rate', '50', '--seed', '0');
    expect(options).to.deep.include({ profile: 'long', modes: ['exclusive'], clients: 2, rate: 50, seed: 0 });
    expect(options.schedule).to.equal(PROFILES.long.schedule);
    expect(options.settleMs).to.equal(PROFILES.long.settleMs);
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => parse('--profile', 'medium')).to.throw(/--profile must be short or long, not "medium"/);
    expect(() => parse('--mode', 'all')).to.throw(/--mode/);
    expect(() => parse('--clients', '0')).to.throw(/--clients must be a whole number from 1/);
    expect(() => parse('--rate', '2.5')).to.throw(/--rate/);
    expect(() => parse('--speed', '3')).to.throw(/speed/);
  });

  it('runs against no cluster unless asked', () => {
    expect(parse().cluster).to.equal(undefined);
  });

  it('takes --cluster with its long profile by default: three leader kills, another node once, a replica kill', () => {
    const options = parse('--cluster');
    expect(options.profile).to.equal('long');
    expect(options.cluster).to.equal(CLUSTER_PROFILES.long.cluster);
    expect(options.cluster).to.deep.include({ leaderKills: 3, otherKills: 1, replicaKill: true });
    expect(options.settleMs).to.equal(CLUSTER_PROFILES.long.settleMs);
  });

  it('takes --cluster --profile short: one leader kill and nothing else', () => {
    const options = parse('--cluster', '--profile', 'short', '--mode', 'stream');
    expect(options).to.deep.include({ profile: 'short', modes: ['stream'] });
    expect(options.cluster).to.deep.include({ leaderKills: 1, otherKills: 0, replicaKill: false });
  });
});
