import { expect } from 'chai';
import { PollSchedule, type PacingPolicy } from '../../../../src/infrastructure/rates/poll-schedule';

const POLICY: PacingPolicy = { intervalMs: 100, maxBackoffMs: 800, keyRejectedRetryMs: 1_000, maxWaitMs: 5_000 };
const T0 = 1_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const lowest = (): number => 0;
const highest = (): number => 1;

describe('PollSchedule', () => {
  describe('normal cadence', () => {
    it('has every request due and starts polls one interval apart', () => {
      const schedule = new PollSchedule(POLICY, 2, lowest);
      expect(schedule.due(T0)).to.deep.equal([0, 1]);
      expect(schedule.nextDelay(T0, T0 + 30)).to.equal(70);
    });

    it('starts the next poll at once, never earlier, after a poll slower than the interval', () => {
      const schedule = new PollSchedule(POLICY, 1, lowest);
      expect(schedule.nextDelay(T0, T0 + 250)).to.equal(0);
    });
  });

  describe('backoff after a failure (5xx, timeout, network, bad data)', () => {
    it('doubles from twice the interval up to the cap, drawing from the upper half (equal jitter)', () => {
      const low = new PollSchedule(POLICY, 1, lowest);
      const high = new PollSchedule(POLICY, 1, highest);
      const lows = [0, 1, 2, 3, 4].map(() => low.failed(0, T0));
      const highs = [0, 1, 2, 3, 4].map(() => high.failed(0, T0));
      expect(lows).to.deep.equal([100, 200, 400, 400, 400]);
      expect(highs).to.deep.equal([200, 400, 800, 800, 800]);
    });

    it('is never faster than the interval, even with a cap below it', () => {
      const schedule = new PollSchedule({ ...POLICY, intervalMs: 10_000, maxBackoffMs: 1_000 }, 1, lowest);
      expect(schedule.failed(0, T0)).to.equal(10_000);
      expect(schedule.failed(0, T0)).to.equal(10_000);
    });

    it('holds back only the failing request, and the next poll waits for the first one due', () => {
      const schedule = new PollSchedule(POLICY, 2, highest);
      schedule.failed(0, T0);
      expect(schedule.due(T0 + 100)).to.deep.equal([1]);
      expect(schedule.due(T0 + 200)).to.deep.equal([0, 1]);
      schedule.failed(1, T0);
      schedule.failed(1, T0);
      expect(schedule.nextDelay(T0, T0)).to.equal(200);
    });

    it('starts over after a success', () => {
      const schedule = new PollSchedule(POLICY, 1, highest);
      schedule.failed(0, T0);
      schedule.failed(0, T0);
      schedule.succeeded(0);
      expect(schedule.due(T0)).to.deep.equal([0]);
      expect(schedule.failed(0, T0)).to.equal(200);
    });
  });

  describe('429', () => {
    it('pauses every request for as long as Retry-After says', () => {
      const schedule = new PollSchedule(POLICY, 2, highest);
      expect(schedule.throttled(T0, 3_000)).to.equal(3_000);
      expect(schedule.due(T0 + 2_999)).to.deep.equal([]);
      expect(schedule.due(T0 + 3_000)).to.deep.equal([0, 1]);
      expect(schedule.nextDelay(T0, T0 + 10)).to.equal(2_990);
    });

    it('bounds Retry-After by the interval below and maxWaitMs above', () => {
      const schedule = new PollSchedule(POLICY, 1, highest);
      expect(schedule.throttled(T0, 0)).to.equal(100);
      expect(new PollSchedule(POLICY, 1).throttled(T0, DAY)).to.equal(5_000);
    });

    it('backs off exponentially without Retry-After, and resumes the interval after a success', () => {
      const schedule = new PollSchedule(POLICY, 1, highest);
      expect([T0, T0 + 1_000, T0 + 2_000].map((now) => schedule.throttled(now, undefined))).to.deep.equal([
        200, 400, 800,
      ]);
      schedule.succeeded(0);
      const later = T0 + 10_000;
      expect(schedule.nextDelay(later, later)).to.equal(100);
      expect(schedule.throttled(later, undefined)).to.equal(200);
    });
  });

  describe('rejected key (401/403)', () => {
    it('pauses every request for keyRejectedRetryMs, and not less than the interval', () => {
      const schedule = new PollSchedule(POLICY, 2);
      expect(schedule.keyRejected(T0)).to.equal(1_000);
      expect(schedule.due(T0 + 999)).to.deep.equal([]);
      expect(new PollSchedule({ ...POLICY, intervalMs: 5_000 }, 1).keyRejected(T0)).to.equal(5_000);
    });
  });

  describe('quota', () => {
    it('spreads what remains until the reset: cost of a poll × time to reset ÷ remaining', () => {
      const schedule = new PollSchedule({ ...POLICY, maxWaitMs: DAY }, 2);
      schedule.noteQuota({ remaining: 99, resetAt: T0 + DAY });
      // free-tier arithmetic: 2 requests per poll, 99 left for 24 h → one poll every ~29 min
      expect(schedule.quotaSpacing(T0)).to.equal(Math.ceil((2 * DAY) / 99));
      expect(schedule.nextDelay(T0, T0)).to.equal(Math.ceil((2 * DAY) / 99));
    });

    it('leaves the interval alone while the quota lasts at that pace', () => {
      const schedule = new PollSchedule(POLICY, 2);
      schedule.noteQuota({ remaining: 10_000_000, limit: 10_000_000, resetAt: T0 + DAY });
      expect(schedule.nextDelay(T0, T0)).to.equal(100);
    });

    it('counts the request cost, and assumes a 24 h window without a reset time', () => {
      const schedule = new PollSchedule({ ...POLICY, maxWaitMs: DAY }, 1);
      schedule.noteQuota({ remaining: 1_000, requestCost: 2 });
      expect(schedule.quotaSpacing(T0)).to.equal(Math.ceil((2 * DAY) / 1_000));
    });

    it('waits for the reset, at most maxWaitMs at a time, when nothing remains', () => {
      const schedule = new PollSchedule(POLICY, 1);
      schedule.noteQuota({ remaining: 0, resetAt: T0 + 2_000 });
      expect(schedule.quotaSpacing(T0)).to.equal(2_000);
      schedule.noteQuota({ remaining: -5, resetAt: T0 + HOUR });
      expect(schedule.quotaSpacing(T0)).to.equal(5_000);
    });

    it('ignores a quota whose reset has passed, one without a remaining count, and plans that bill overage', () => {
      const schedule = new PollSchedule(POLICY, 1);
      schedule.noteQuota({ remaining: 1, resetAt: T0 - 1 });
      expect(schedule.quotaSpacing(T0)).to.equal(0);
      schedule.noteQuota({ limit: 100 });
      expect(schedule.quotaSpacing(T0)).to.equal(0);
      schedule.noteQuota({ remaining: -66_181, limit: 100_000, resetAt: T0 + DAY, overage: true });
      expect(schedule.quotaSpacing(T0)).to.equal(0);
    });
  });
});
