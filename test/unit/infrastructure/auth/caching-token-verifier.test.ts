import { expect } from 'chai';
import { READY, type Readiness } from '../../../../src/application/ports/readiness';
import type { TokenError, TokenVerifier } from '../../../../src/application/ports/token-verifier.port';
import type { Grant } from '../../../../src/domain/grant';
import { fail, ok, type Result } from '../../../../src/domain/result';
import { TopicSelection } from '../../../../src/domain/topic-selection';
import { CachingTokenVerifier, VERIFIED_TTL_MS } from '../../../../src/infrastructure/auth/caching-token-verifier';
import { FixedClock } from '../../../fakes/fixed-clock';

/** Knows tokens `good` (no exp) and `brief` (exp in 5 s); counts the checks it is asked for. */
class CountingVerifier implements TokenVerifier {
  checks = 0;
  constructor(private readonly clock: FixedClock) {}

  verify(token: string): Promise<Result<Grant, TokenError>> {
    this.checks += 1;
    const grant = { subscribe: TopicSelection.everything, publish: TopicSelection.nothing };
    if (token === 'good') return Promise.resolve(ok(grant));
    if (token === 'brief') return Promise.resolve(ok({ ...grant, expiresAt: this.clock.now() + 5_000 }));
    return Promise.resolve(fail({ code: 'bad-signature', message: 'no' }));
  }

  readiness(): Readiness {
    return READY;
  }

  start(): void {}

  close(): void {}
}

describe('CachingTokenVerifier', () => {
  let clock: FixedClock;
  let inner: CountingVerifier;
  let verifier: CachingTokenVerifier;
  beforeEach(() => {
    clock = new FixedClock();
    inner = new CountingVerifier(clock);
    verifier = new CachingTokenVerifier(inner, clock);
  });

  it('checks a token once, then takes it on trust for the TTL, then checks it again', async () => {
    for (let n = 0; n < 5; n += 1) expect((await verifier.verify('good')).ok).to.equal(true);
    expect(inner.checks).to.equal(1);
    clock.advance(VERIFIED_TTL_MS);
    await verifier.verify('good');
    expect(inner.checks).to.equal(2);
  });

  it('never takes a token past its exp', async () => {
    await verifier.verify('brief');
    clock.advance(4_999);
    await verifier.verify('brief');
    expect(inner.checks).to.equal(1);
    clock.advance(1);
    await verifier.verify('brief');
    expect(inner.checks).to.equal(2);
  });

  it('remembers no refusal: a bad token is checked every time', async () => {
    for (let n = 0; n < 3; n += 1) expect((await verifier.verify('bad')).ok).to.equal(false);
    expect(inner.checks).to.equal(3);
  });
});
