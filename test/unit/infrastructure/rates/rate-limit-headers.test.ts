import { expect } from 'chai';
import { readQuota, retryAfterMs } from '../../../../src/infrastructure/rates/rate-limit-headers';

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

describe('readQuota', () => {
  it('reads CoinAPI X-RateLimit-* headers, with its seven-digit ISO reset time', () => {
    const headers = new Headers({
      'X-RateLimit-Limit': '100000',
      'X-RateLimit-Remaining': '-66181',
      'X-RateLimit-Request-Cost': '1',
      'X-RateLimit-Reset': '2025-01-03T03:04:05.2685710Z',
      'X-RateLimit-Overage': 'enabled',
    });
    expect(readQuota(headers, NOW)).to.deep.equal({
      limit: 100_000,
      remaining: -66_181,
      requestCost: 1,
      resetAt: Date.UTC(2025, 0, 3, 3, 4, 5, 268),
      overage: true,
    });
  });

  it('is undefined without a limit or remaining count', () => {
    expect(readQuota(new Headers({ 'X-RateLimit-Request-Cost': '1' }), NOW)).to.equal(undefined);
    expect(readQuota(new Headers(), NOW)).to.equal(undefined);
  });

  it('leaves out what it cannot read', () => {
    const headers = new Headers({
      'X-RateLimit-Remaining': '12',
      'X-RateLimit-Limit': 'lots',
      'X-RateLimit-Reset': 'soon',
    });
    expect(readQuota(headers, NOW)).to.deep.equal({ remaining: 12 });
  });

  it('takes a numeric reset as epoch seconds, or as seconds from now when small', () => {
    expect(readQuota(new Headers({ 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '1735787045' }), NOW)).to.include(
      { resetAt: 1_735_787_045_000 },
    );
    expect(readQuota(new Headers({ 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '60' }), NOW)).to.include({
      resetAt: NOW + 60_000,
    });
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs(new Headers({ 'Retry-After': '7' }), NOW)).to.equal(7_000);
    expect(retryAfterMs(new Headers({ 'Retry-After': '0' }), NOW)).to.equal(0);
  });

  it('reads an HTTP date as the time left until it, never negative', () => {
    const in90s = new Date(NOW + 90_000).toUTCString();
    expect(retryAfterMs(new Headers({ 'Retry-After': in90s }), NOW)).to.equal(90_000);
    const past = new Date(NOW - 90_000).toUTCString();
    expect(retryAfterMs(new Headers({ 'Retry-After': past }), NOW)).to.equal(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(new Headers(), NOW)).to.equal(undefined);
    expect(retryAfterMs(new Headers({ 'Retry-After': 'later' }), NOW)).to.equal(undefined);
    expect(retryAfterMs(new Headers({ 'Retry-After': '-3' }), NOW)).to.equal(undefined);
  });
});
