import { expect } from 'chai';
import pino from 'pino';
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

  it('checks with JWT_KEY when it is set, and with the JWKS when JWT_JWKS_URL is', () => {
    expect(createTokenVerifier({ ...none, jwtKey: 'k'.repeat(32) }, parts)).to.be.instanceOf(StaticKeyTokenVerifier);
    const jwks = createTokenVerifier({ ...none, jwtJwksUrl: 'http://127.0.0.1:1/jwks.json' }, parts);
    expect(jwks).to.be.instanceOf(JwksTokenVerifier);
    expect(jwks?.readiness().ready).to.equal(false);
  });

  it('throws for a key loadConfig would have refused (a bug)', () => {
    expect(() => createTokenVerifier({ ...none, jwtKey: 'short' }, parts)).to.throw('JWT_KEY is invalid');
  });
});
