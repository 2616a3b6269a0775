import { expect } from 'chai';
import { backoffDelay } from '../../../../src/infrastructure/bus/backoff';

describe('backoffDelay', () => {
  const policy = { initialMs: 250, maxMs: 10_000 };

  it('doubles its bound per attempt and draws from the upper half of it', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(policy, n, () => 0))).to.deep.equal([125, 250, 500, 1_000]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(policy, n, () => 1))).to.deep.equal([250, 500, 1_000, 2_000]);
  });

  it('grows with every attempt until it reaches the cap, then stays there', () => {
    const longest = Array.from({ length: 10 }, (_, attempt) => backoffDelay(policy, attempt, () => 1));
    expect(longest).to.deep.equal([250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [6, 7, 10, 30, 31, 1_000, Number.MAX_SAFE_INTEGER]) {
      for (const r of [0, 0.5, 0.999999]) {
        const delay = backoffDelay(policy, attempt, () => r);
        expect(delay, `attempt ${attempt}`).to.be.within(5_000, 10_000);
      }
    }
  });

  it('is never immediate', () => {
    expect(backoffDelay({ initialMs: 2, maxMs: 10 }, 0, () => 0)).to.be.greaterThan(0);
  });
});
