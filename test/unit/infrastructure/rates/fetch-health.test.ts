import { expect } from 'chai';
import { FetchHealth } from '../../../../src/infrastructure/rates/fetch-health';
import { FixedClock } from '../../../fakes/fixed-clock';

const INTERVAL_MS = 1_000;
const DEADLINE_MS = 800;
/** Three intervals plus the deadline (SPEC.md). */
const STALL_MS = 3 * INTERVAL_MS + DEADLINE_MS;

const notReady = (reason: string) => ({ ready: false, reason });

describe('FetchHealth', () => {
  let clock: FixedClock;
  let health: FetchHealth;
  beforeEach(() => {
    clock = new FixedClock();
    health = new FetchHealth({ unreadyAfter: 3, intervalMs: INTERVAL_MS, deadlineMs: DEADLINE_MS }, clock);
  });

  it('is not ready until started and a poll brought a valid rate, saying why with a code', () => {
    expect(health.readiness()).to.deep.equal(notReady('rates-stopped'));
    health.started();
    expect(health.readiness()).to.deep.equal(notReady('rates-no-answer-yet'));
    health.pollFailed('timeout');
    health.finished(INTERVAL_MS);
    expect(health.readiness()).to.deep.equal(notReady('rates-timeout'));
    health.pollSucceeded();
    health.finished(INTERVAL_MS);
    expect(health.readiness()).to.deep.equal({ ready: true });
  });

  it('stays ready through fewer failed polls in a row than the limit, not through as many', () => {
    health.started();
    health.pollSucceeded();
    health.pollFailed('http-5xx');
    health.pollFailed('http-5xx');
    expect(health.readiness().ready).to.equal(true);
    health.pollFailed('too-large');
    expect(health.readiness()).to.deep.equal(notReady('rates-too-large'));
    health.pollSucceeded();
    expect(health.readiness().ready).to.equal(true);
  });

  it('is not ready while the key is rejected, until a poll succeeds', () => {
    health.started();
    health.pollSucceeded();
    health.rejectedKey();
    health.pollFailed('key-rejected');
    expect(health.readiness()).to.deep.equal(notReady('rates-key-rejected'));
    health.pollSucceeded();
    expect(health.readiness().ready).to.equal(true);
  });

  it('is not ready once stopped', () => {
    health.started();
    health.pollSucceeded();
    health.stopped();
    expect(health.readiness()).to.deep.equal(notReady('rates-stopped'));
  });

  it('reports stalled when no poll has finished for three intervals plus the deadline, until one does', () => {
    health.started();
    health.pollSucceeded();
    health.finished(INTERVAL_MS);
    clock.advance(STALL_MS);
    expect(health.readiness(), 'at the limit').to.deep.equal({ ready: true });
    clock.advance(1);
    expect(health.readiness()).to.deep.equal(notReady('rates-stalled'));
    health.pollSucceeded();
    health.finished(INTERVAL_MS);
    expect(health.readiness()).to.deep.equal({ ready: true });
  });

  it('reports stalled when the first poll never finishes', () => {
    health.started();
    clock.advance(STALL_MS + 1);
    expect(health.readiness()).to.deep.equal(notReady('rates-stalled'));
  });

  it('puts a stall before every other reason, the key included', () => {
    health.started();
    health.rejectedKey();
    health.pollFailed('key-rejected');
    health.finished(INTERVAL_MS);
    clock.advance(STALL_MS + 1);
    expect(health.readiness()).to.deep.equal(notReady('rates-stalled'));
  });

  it('does not count a wait the last poll chose (backoff, Retry-After, quota) as a stall', () => {
    health.started();
    health.pollSucceeded();
    health.finished(60_000);
    clock.advance(60_000 - INTERVAL_MS + STALL_MS);
    expect(health.readiness()).to.deep.equal({ ready: true });
    clock.advance(1);
    expect(health.readiness()).to.deep.equal(notReady('rates-stalled'));
  });
});
