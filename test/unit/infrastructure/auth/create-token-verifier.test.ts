import { expect } from 'chai';
import pino from 'pino';
import { CachingTokenVerifier } from '../../../../src/infrastructure/auth/caching-token-verifier';
import { createTokenVerifier } from '../../../../src/infrastructure/auth/create-token-verifier';
import { JwksTokenVerifier } from '../../../../src/infrastructure/auth/jwks-token-verifier';
import { StaticKeyTokenVerifier } from '../../../../src/infrastructure/auth/static-key-token-verifier';
import { FixedClock } from '../../../fakes/fixed-clock';

const parts = { logger: pino({ level: 'silent' }), clock: new FixedClock() };
const none = { jwtKey: undefined, jwtJwksUrl: undefined, jwtIssuer: undefined, jwtAudience: undefined };

describe('createTokenVerifier', () => {
  it('makes none without JWT_KEY or JWT_JWKS_URL', () => {
    expect(createTokenVerifier(none, parts)).to.equal(undefined);
  });

  it('checks with JWT_KEY when it is set, and with the JWKS when JWT_JWKS_URL is, remembering what verified', () => {
    const inner = (verifier: unknown): unknown => (verifier as { inner: unknown }).inner;
    const fromKey = createTokenVerifier({ ...none, jwtKey: 'k'.repeat(32) }, parts);
    expect(fromKey).to.be.instanceOf(CachingTokenVerifier);
    expect(inner(fromKey)).to.be.instanceOf(StaticKeyTokenVerifier);
    const jwks = createTokenVerifier({ ...none, jwtJwksUrl: 'http://127.0.0.1:1/jwks.json' }, parts);
    expect(inner(jwks)).to.be.instanceOf(JwksTokenVerifier);
    expect(jwks?.readiness().ready).to.equal(false);
  });

  it('throws for a key loadConfig would have refused (a bug)', () => {
    expect(() => createTokenVerifier({ ...none, jwtKey: 'short' }, parts)).to.throw('JWT_KEY is invalid');
  });
});
