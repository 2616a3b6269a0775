import { expect } from 'chai';
import { FetchHealth } from '../../../../src/infrastructure/rates/fetch-health';

describe('FetchHealth', () => {
  let health: FetchHealth;
  beforeEach(() => (health = new FetchHealth(3)));

  it('is not ready until started and a poll brought a valid rate', () => {
    expect(health.readiness()).to.deep.equal({ ready: false, reason: 'CoinAPI rates are stopped' });
    health.started();
    expect(health.readiness()).to.deep.equal({
      ready: false,
      reason: 'no valid CoinAPI rate yet: waiting for the first answer',
    });
    health.polled(false, 'timeout: no complete answer within 800 ms');
    expect(health.readiness()).to.deep.include({ ready: false });
    expect(health.readiness()).to.have.property('reason').that.includes('timeout');
    health.polled(true, '');
    expect(health.readiness()).to.deep.equal({ ready: true });
  });

  it('stays ready through fewer failed polls in a row than the limit, not through as many', () => {
    health.started();
    health.polled(true, '');
    health.polled(false, 'http-5xx: HTTP 500');
    health.polled(false, 'http-5xx: HTTP 500');
    expect(health.readiness().ready).to.equal(true);
    health.polled(false, 'http-5xx: HTTP 502');
    expect(health.readiness()).to.deep.equal({
      ready: false,
      reason: 'the last 3 CoinAPI polls failed: http-5xx: HTTP 502',
    });
    health.polled(true, '');
    expect(health.readiness().ready).to.equal(true);
  });

  it('is not ready while the key is rejected, until a poll succeeds', () => {
    health.started();
    health.polled(true, '');
    health.keyRejected('HTTP 401: Invalid API key');
    expect(health.readiness()).to.deep.equal({
      ready: false,
      reason: 'CoinAPI rejects the key (HTTP 401: Invalid API key)',
    });
    health.polled(true, '');
    expect(health.readiness().ready).to.equal(true);
  });

  it('is not ready once stopped', () => {
    health.started();
    health.polled(true, '');
    health.stopped();
    expect(health.readiness().ready).to.equal(false);
  });
});
