import { expect } from 'chai';
import pino from 'pino';
import { JwksTokenVerifier, type JwksSettings } from '../../src/infrastructure/auth/jwks-token-verifier';
import { MAX_JWKS_BYTES } from '../../src/infrastructure/auth/jwks-fetch';
import { FixedClock } from '../fakes/fixed-clock';
import { FakeJwks } from '../support/fake-jwks';
import { signToken, testKeyPair, type TestKeyPair } from '../support/jwt';
import { eventually } from '../support/wait';

describe('JwksTokenVerifier against a JWKS that misbehaves', () => {
  let jwks: FakeJwks;
  let verifier: JwksTokenVerifier | undefined;
  let clock: FixedClock;
  let fetchErrors = 0;
  let a: TestKeyPair;
  let unknown: TestKeyPair;

  before(
    async () => ([a, unknown] = await Promise.all([testKeyPair('ES256', 'key-a'), testKeyPair('ES256', 'made-up')])),
  );
  beforeEach(async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk];
    clock = new FixedClock();
    fetchErrors = 0;
  });
  afterEach(async () => {
    verifier?.close();
    verifier = undefined;
    await jwks.stop();
  });

  /** A started verifier whose background fetches never come within a test (retries an hour apart). */
  const start = (settings: Partial<JwksSettings> = {}): JwksTokenVerifier => {
    const parts = { logger: pino({ level: 'silent' }), clock, onFetchError: () => void (fetchErrors += 1) };
    verifier = new JwksTokenVerifier(
      { url: jwks.url, retry: { initialMs: 3_600_000, maxMs: 3_600_000 }, ...settings },
      parts,
    );
    verifier.start();
    return verifier;
  };
  const tokenOf = (pair: TestKeyPair): Promise<string> =>
    signToken(pair.privateKey, { alg: pair.alg, kid: pair.jwk.kid, claims: { sse: { subscribe: ['*'] } } });

  it('refetches for unknown kids at most once per cooldown while the JWKS fails, however many tokens come', async () => {
    const verifier = start({ cooldownMs: 5_000 });
    await eventually(() => verifier.readiness().ready, 'the key set');
    jwks.status = 500;
    const madeUp = await tokenOf(unknown);
    for (let round = 0; round < 3; round += 1) {
      clock.advance(5_000);
      for (let n = 0; n < 20; n += 1) await verifier.verify(madeUp);
    }
    expect(jwks.fetches, 'the first fetch, then one per cooldown').to.equal(4);
    expect(fetchErrors).to.equal(3);
    const stillGood = await verifier.verify(await tokenOf(a));
    expect(stillGood.ok, 'the set held is kept').to.equal(true);
  });

  it('lets every token of a new kid that comes during the fetch it started wait for that fetch', async () => {
    const verifier = start({ cooldownMs: 5_000 });
    await eventually(() => verifier.readiness().ready, 'the key set');
    clock.advance(5_000);
    jwks.keys = [a.jwk, unknown.jwk]; // a rotation: the new kid is in the set from now on
    const token = await tokenOf(unknown);
    const results = await Promise.all(Array.from({ length: 5 }, () => verifier.verify(token)));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(jwks.fetches, 'one fetch for all of them').to.equal(2);
  });

  it(`refuses an answer over ${MAX_JWKS_BYTES} bytes, reading no more than that, and is not ready`, async () => {
    jwks.paddingBytes = 64 * MAX_JWKS_BYTES;
    const verifier = start();
    await eventually(() => fetchErrors === 1, 'the fetch refused');
    const readiness = verifier.readiness();
    expect(readiness.ready ? '' : readiness.reason).to.include(`over ${MAX_JWKS_BYTES} bytes`);
    const refused = await verifier.verify(await tokenOf(a));
    expect(refused.ok ? 'ok' : refused.error.code).to.equal('no-key');
    await eventually(() => jwks.padding === 0, 'the fake to see the client go');
    expect(jwks.paddingSent, 'of 64 MiB offered').to.be.below(16 * MAX_JWKS_BYTES);
  });

  it('follows no redirect: a 302 is a failed fetch, however good its target', async () => {
    jwks.status = 302;
    const verifier = start();
    await eventually(() => fetchErrors === 1, 'the fetch refused');
    const readiness = verifier.readiness();
    expect(readiness.ready ? '' : readiness.reason).to.include('answered HTTP 302');
    expect(jwks.fetches).to.equal(1);
  });
});
