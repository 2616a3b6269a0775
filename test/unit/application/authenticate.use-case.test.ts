import { expect } from 'chai';
import { AuthenticateSubscriber } from '../../../src/application/authenticate.use-case';
import { READY, type Readiness } from '../../../src/application/ports/readiness';
import type { TokenError, TokenVerifier } from '../../../src/application/ports/token-verifier.port';
import type { Grant } from '../../../src/domain/grant';
import { fail, ok, type Result } from '../../../src/domain/result';
import { TopicSelection } from '../../../src/domain/topic-selection';

const GRANT: Grant = { subscribe: TopicSelection.everything, publish: TopicSelection.nothing, expiresAt: 1_000 };

/** A verifier that knows one good token and records what it was asked. */
class FakeVerifier implements TokenVerifier {
  readonly asked: string[] = [];

  verify(token: string): Promise<Result<Grant, TokenError>> {
    this.asked.push(token);
    if (token === 'good') return Promise.resolve(ok(GRANT));
    return Promise.resolve(fail({ code: 'expired', message: 'the token has expired' }));
  }

  readiness(): Readiness {
    return READY;
  }

  start(): void {}

  close(): void {}
}

/** A time before the grant's expiry. */
const BEFORE = (): number => 999;

describe('AuthenticateSubscriber', () => {
  it('gives the grant of a token that verifies', async () => {
    const verifier = new FakeVerifier();
    const outcome = await new AuthenticateSubscriber({ verifier, anonymous: true, now: BEFORE }).execute('good');
    expect(outcome).to.deep.equal({ ok: true, value: GRANT });
    expect(verifier.asked).to.deep.equal(['good']);
  });

  it('serves a stream without a token as anonymous, without asking the verifier', async () => {
    const verifier = new FakeVerifier();
    const outcome = await new AuthenticateSubscriber({ verifier, anonymous: true, now: BEFORE }).execute(undefined);
    expect(outcome).to.deep.equal({ ok: true, value: undefined });
    expect(verifier.asked).to.deep.equal([]);
  });

  it('refuses a stream without a token as unauthenticated with ANONYMOUS=false', async () => {
    const outcome = await new AuthenticateSubscriber({
      verifier: new FakeVerifier(),
      anonymous: false,
      now: BEFORE,
    }).execute(undefined);
    expect(outcome.ok).to.equal(false);
    if (!outcome.ok) expect(outcome.error.code).to.equal('unauthenticated');
  });

  for (const anonymous of [true, false]) {
    it(`refuses a token that does not verify, never downgrading it to anonymous (ANONYMOUS=${anonymous})`, async () => {
      const outcome = await new AuthenticateSubscriber({
        verifier: new FakeVerifier(),
        anonymous,
        now: BEFORE,
      }).execute('bad');
      expect(outcome).to.deep.equal({
        ok: false,
        error: { code: 'unauthenticated', message: 'the token has expired' },
      });
    });
  }

  it('ignores a token when no JWT key is configured (none can grant anything)', async () => {
    const outcome = await new AuthenticateSubscriber({ verifier: undefined, anonymous: true, now: BEFORE }).execute(
      'anything',
    );
    expect(outcome).to.deep.equal({ ok: true, value: undefined });
  });

  it('refuses a token past its exp, even one the verifier took within its clock tolerance', async () => {
    for (const now of [1_000, 4_000]) {
      const outcome = await new AuthenticateSubscriber({
        verifier: new FakeVerifier(),
        anonymous: true,
        now: () => now,
      }).execute('good');
      expect(outcome).to.deep.equal({
        ok: false,
        error: { code: 'unauthenticated', message: 'the token has expired' },
      });
    }
  });
});
