import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { TokenError } from '../../../../src/application/ports/token-verifier.port';
import type { Grant } from '../../../../src/domain/grant';
import type { Result } from '../../../../src/domain/result';
import { parseJwtKey } from '../../../../src/infrastructure/auth/jwt-key';
import { StaticKeyTokenVerifier } from '../../../../src/infrastructure/auth/static-key-token-verifier';
import { FIXED_NOW, FixedClock } from '../../../fakes/fixed-clock';
import { secretBytes, signRaw, signToken, testKeyPair } from '../../../support/jwt';

const NOW_S = FIXED_NOW / 1000;
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const SSE = { subscribe: ['news.*', 'alerts'], publish: ['news.sport'] };

/** A verifier of JWT_KEY=`raw`, at FIXED_NOW unless `clock` says otherwise. */
function verifierOf(raw: string, checks: { issuer?: string; audience?: string } = {}, clock = new FixedClock()) {
  const key = parseJwtKey(raw);
  if (!key.ok) throw new Error(key.error.message);
  return new StaticKeyTokenVerifier({ key: key.value, ...checks }, clock);
}

const codeOf = (result: Result<Grant, TokenError>): string => (result.ok ? 'ok' : result.error.code);

interface Signer {
  readonly alg: string;
  readonly jwtKey: string;
  readonly signingKey: CryptoKey | Uint8Array;
}

async function signers(): Promise<Signer[]> {
  const [es, ed, rs] = await Promise.all([testKeyPair('ES256'), testKeyPair('EdDSA'), testKeyPair('RS256')]);
  return [
    { alg: 'HS256', jwtKey: SECRET, signingKey: secretBytes(SECRET) },
    { alg: 'ES256', jwtKey: es.pem, signingKey: es.privateKey },
    { alg: 'EdDSA', jwtKey: ed.pem, signingKey: ed.privateKey },
    { alg: 'RS256', jwtKey: rs.pem, signingKey: rs.privateKey },
  ];
}

describe('StaticKeyTokenVerifier', () => {
  let all: Signer[] = [];
  before(async () => {
    all = await signers();
  });
  const signer = (alg: string): Signer => all.find((s) => s.alg === alg)!;
  const sign = (alg: string, claims: JWTPayload): Promise<string> => signToken(signer(alg).signingKey, { alg, claims });

  for (const alg of ['HS256', 'ES256', 'EdDSA', 'RS256']) {
    describe(`with a ${alg} key`, () => {
      it('accepts a good token and returns what its sse claim grants, with exp in milliseconds', async () => {
        const token = await sign(alg, { sse: SSE, exp: NOW_S + 60 });
        const result = await verifierOf(signer(alg).jwtKey).verify(token);
        if (!result.ok) throw new Error(result.error.message);
        const grant = result.value;
        expect(grant.expiresAt).to.equal((NOW_S + 60) * 1000);
        expect(['news.sport', 'alerts', 'alerts.x'].map((t) => grant.subscribe.matches(t))).to.deep.equal([
          true,
          true,
          false,
        ]);
        expect(['news.sport', 'news.x'].map((t) => grant.publish.matches(t))).to.deep.equal([true, false]);
      });

      it('refuses a token signed with another key as bad-signature', async () => {
        const other = alg === 'HS256' ? { signingKey: secretBytes(`${SECRET}-other`) } : await testKeyPair(alg);
        const token = await signToken('signingKey' in other ? other.signingKey : other.privateKey, { alg });
        expect(codeOf(await verifierOf(signer(alg).jwtKey).verify(token))).to.equal('bad-signature');
      });

      it('refuses a token whose payload was altered as bad-signature', async () => {
        const [header, , signature] = (await sign(alg, { sse: { subscribe: ['a'] } })).split('.');
        const forged = Buffer.from(JSON.stringify({ sse: { subscribe: ['*'] } })).toString('base64url');
        const result = await verifierOf(signer(alg).jwtKey).verify(`${header}.${forged}.${signature}`);
        expect(codeOf(result)).to.equal('bad-signature');
      });

      it('refuses alg none as algorithm', async () => {
        const token = new UnsecuredJWT({ sse: { subscribe: ['*'] } }).encode();
        expect(codeOf(await verifierOf(signer(alg).jwtKey).verify(token))).to.equal('algorithm');
      });
    });
  }

  for (const alg of ['ES256', 'EdDSA', 'RS256']) {
    it(`refuses an HS256 token signed with the ${alg} public key's PEM text as the secret (key confusion)`, async () => {
      const { jwtKey } = signer(alg);
      const token = await signToken(secretBytes(jwtKey), { alg: 'HS256', claims: { sse: { subscribe: ['*'] } } });
      const result = await verifierOf(jwtKey).verify(token);
      expect(codeOf(result)).to.equal('algorithm');
    });
  }

  it('pins the algorithm to the key: RS256 at an HMAC secret, ES384 at a P-256 key, PS256 at an Ed25519 key', async () => {
    const [p384, rsa] = await Promise.all([testKeyPair('ES384'), testKeyPair('PS256')]);
    const rs = await signToken(signer('RS256').signingKey, { alg: 'RS256' });
    expect(codeOf(await verifierOf(SECRET).verify(rs))).to.equal('algorithm');
    const es384 = await signToken(p384.privateKey, { alg: 'ES384' });
    expect(codeOf(await verifierOf(signer('ES256').jwtKey).verify(es384))).to.equal('algorithm');
    const ps = await signToken(rsa.privateKey, { alg: 'PS256' });
    expect(codeOf(await verifierOf(signer('EdDSA').jwtKey).verify(ps))).to.equal('algorithm');
  });

  it('accepts every RS* and PS* algorithm at an RSA key', async () => {
    // A node KeyObject can sign with any of them (a CryptoKey is bound to one).
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
      const token = await signToken(privateKey, { alg });
      expect(codeOf(await verifierOf(pem).verify(token)), alg).to.equal('ok');
    }
  });

  describe('time claims, with 5 s of clock tolerance', () => {
    const at = async (claims: JWTPayload): Promise<string> =>
      codeOf(await verifierOf(SECRET).verify(await sign('HS256', claims)));

    it('refuses a token expired more than 5 s ago as expired, and forgives less', async () => {
      expect(await at({ exp: NOW_S - 6 })).to.equal('expired');
      expect(await at({ exp: NOW_S - 4 })).to.equal('ok');
    });

    it('refuses a token whose nbf is more than 5 s ahead as not-yet-valid, and forgives less', async () => {
      expect(await at({ nbf: NOW_S + 6 })).to.equal('not-yet-valid');
      expect(await at({ nbf: NOW_S + 4 })).to.equal('ok');
    });

    it('judges by the clock it is given', async () => {
      const clock = new FixedClock();
      const verifier = verifierOf(SECRET, {}, clock);
      const token = await sign('HS256', { exp: NOW_S + 60 });
      expect(codeOf(await verifier.verify(token))).to.equal('ok');
      clock.advance(66_000);
      expect(codeOf(await verifier.verify(token))).to.equal('expired');
    });

    it('accepts a token without exp, and its grant has no expiresAt', async () => {
      const result = await verifierOf(SECRET).verify(await sign('HS256', {}));
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.expiresAt).to.equal(undefined);
      expect(result.value.subscribe.matches('broadcast') || result.value.publish.matches('broadcast')).to.equal(false);
    });
  });

  describe('issuer and audience', () => {
    const checks = { issuer: 'https://issuer.example', audience: 'sse-hub' };
    const at = async (claims: JWTPayload): Promise<string> =>
      codeOf(await verifierOf(SECRET, checks).verify(await sign('HS256', claims)));

    it('accepts the configured iss and an aud that names the hub', async () => {
      expect(await at({ iss: checks.issuer, aud: 'sse-hub' })).to.equal('ok');
      expect(await at({ iss: checks.issuer, aud: ['other', 'sse-hub'] })).to.equal('ok');
    });

    it('refuses another or a missing iss as issuer', async () => {
      expect(await at({ iss: 'https://evil.example', aud: 'sse-hub' })).to.equal('issuer');
      expect(await at({ aud: 'sse-hub' })).to.equal('issuer');
    });

    it('refuses another or a missing aud as audience', async () => {
      expect(await at({ iss: checks.issuer, aud: 'other' })).to.equal('audience');
      expect(await at({ iss: checks.issuer })).to.equal('audience');
    });

    it('ignores iss and aud when none is configured', async () => {
      expect(codeOf(await verifierOf(SECRET).verify(await sign('HS256', { iss: 'x', aud: 'y' })))).to.equal('ok');
    });
  });

  describe('malformed tokens and claims', () => {
    for (const sse of [
      { subscribe: 'news' },
      { subscribe: ['news', 'a b'] },
      { publish: [42] },
      ['news'],
      'news',
      null,
    ]) {
      it(`refuses the sse claim ${JSON.stringify(sse)} as claims`, async () => {
        expect(codeOf(await verifierOf(SECRET).verify(await sign('HS256', { sse })))).to.equal('claims');
      });
    }

    for (const token of ['', 'abc', 'a.b.c', 'a.b', `${'x'.repeat(30)}..`]) {
      it(`refuses ${JSON.stringify(token)} as malformed`, async () => {
        expect(codeOf(await verifierOf(SECRET).verify(token))).to.equal('malformed');
      });
    }

    it('refuses an exp that is not a number as malformed', async () => {
      const token = await signRaw(secretBytes(SECRET), 'HS256', '{"exp":"tomorrow"}');
      expect(codeOf(await verifierOf(SECRET).verify(token))).to.equal('malformed');
    });

    it('refuses a payload that is not a JSON object as malformed', async () => {
      const token = await signRaw(secretBytes(SECRET), 'HS256', '[1,2]');
      expect(codeOf(await verifierOf(SECRET).verify(token))).to.equal('malformed');
    });

    it('never puts the token or the key in a refusal message', async () => {
      const token = await signToken(secretBytes(`${SECRET}-other`), { alg: 'HS256', claims: { exp: NOW_S - 60 } });
      for (const raw of [SECRET, signer('ES256').jwtKey]) {
        const result = await verifierOf(raw).verify(token);
        expect(result.ok).to.equal(false);
        const message = result.ok ? '' : result.error.message;
        expect(message).not.to.include(token.split('.')[1]).and.not.to.include(token.split('.')[2]);
        expect(message).not.to.include(SECRET);
      }
    });
  });

  it('is always ready, and start and close do nothing', () => {
    const verifier = verifierOf(SECRET);
    verifier.start();
    expect(verifier.readiness()).to.deep.equal({ ready: true });
    verifier.close();
  });
});
