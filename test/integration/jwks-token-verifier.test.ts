import { expect } from 'chai';
import type { JWK } from 'jose';
import pino from 'pino';
import type { TokenError } from '../../src/application/ports/token-verifier.port';
import type { Grant } from '../../src/domain/grant';
import type { Result } from '../../src/domain/result';
import { JwksTokenVerifier, type JwksSettings } from '../../src/infrastructure/auth/jwks-token-verifier';
import { FixedClock } from '../fakes/fixed-clock';
import { FakeJwks } from '../support/fake-jwks';
import { freePort } from '../support/free-port';
import { secretBytes, signToken, testKeyPair, type TestKeyPair } from '../support/jwt';
import { eventually } from '../support/wait';

const codeOf = (result: Result<Grant, TokenError>): string => (result.ok ? 'ok' : result.error.code);
const SSE = { sse: { subscribe: ['news.*'] } };

/** `pair`'s public JWK without the `alg` member, so only its kty and crv decide which tokens it may check. */
const withoutAlg = (pair: TestKeyPair): JWK => ({ ...pair.jwk, alg: undefined });

describe('JwksTokenVerifier (JWT_JWKS_URL, served by a local HTTP server)', () => {
  let jwks: FakeJwks | undefined;
  let verifiers: JwksTokenVerifier[] = [];
  let lines: string[] = [];
  let fetchErrors = 0;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  let a: TestKeyPair;
  let b: TestKeyPair;

  before(async () => {
    process.on('unhandledRejection', onRejection);
    [a, b] = await Promise.all([testKeyPair('ES256', 'key-a'), testKeyPair('EdDSA', 'key-b')]);
  });
  after(() => process.off('unhandledRejection', onRejection));
  beforeEach(() => {
    lines = [];
    fetchErrors = 0;
  });
  afterEach(async () => {
    verifiers.forEach((v) => v.close());
    verifiers = [];
    await jwks?.stop();
    jwks = undefined;
    expect(rejections, 'unhandled rejections').to.deep.equal([]);
  });

  /** A started verifier of `url` that retries fast and refetches for an unknown kid at once (unless told). */
  const verifierOf = (
    url: string,
    settings: Partial<JwksSettings> = {},
    onFetchError = (): void => void (fetchErrors += 1),
  ): JwksTokenVerifier => {
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const parts = { logger, clock: new FixedClock(), onFetchError };
    const verifier = new JwksTokenVerifier(
      { url, cooldownMs: 0, retry: { initialMs: 20, maxMs: 100 }, ...settings },
      parts,
    );
    verifiers.push(verifier);
    verifier.start();
    return verifier;
  };
  const ready = (verifier: JwksTokenVerifier): Promise<void> =>
    eventually(() => verifier.readiness().ready, 'the key set to be fetched');
  const tokenOf = (pair: TestKeyPair, kid = pair.jwk.kid): Promise<string> =>
    signToken(pair.privateKey, { alg: pair.alg, kid, claims: SSE });

  it('answers no-key and is not ready until the set is fetched, then verifies by kid without a fetch per token', async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk, b.jwk];
    const verifier = new JwksTokenVerifier(
      { url: jwks.url },
      { logger: pino({ level: 'silent' }), clock: new FixedClock() },
    );
    verifiers.push(verifier);
    expect(verifier.readiness()).to.deep.include({ ready: false });
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('no-key');
    verifier.start();
    await ready(verifier);
    for (const pair of [a, b, a, b]) {
      const result = await verifier.verify(await tokenOf(pair));
      expect(result.ok && result.value.subscribe.key).to.equal('news.*');
      expect(result.ok && result.value.publish.key).to.equal('');
    }
    expect(jwks.fetches).to.equal(1);
  });

  it('verifies a token with a new kid after the server rotates, and refuses the kid it removed', async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk];
    const verifier = verifierOf(jwks.url);
    await ready(verifier);
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('ok');
    jwks.keys = [b.jwk];
    expect(codeOf(await verifier.verify(await tokenOf(b)))).to.equal('ok');
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('bad-signature');
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk];
    const verifier = verifierOf(jwks.url, { cooldownMs: 600_000 });
    await ready(verifier);
    jwks.keys = [a.jwk, b.jwk];
    expect(codeOf(await verifier.verify(await tokenOf(b)))).to.equal('bad-signature');
    expect(jwks.fetches).to.equal(1);
  });

  it('pins each key to its kty and crv, and refuses HMAC and none whatever the set holds', async () => {
    jwks = await FakeJwks.start();
    const p384 = await testKeyPair('ES384');
    jwks.keys = [withoutAlg(a), { kty: 'oct', k: Buffer.from('x'.repeat(32)).toString('base64url'), kid: 'oct' }];
    const verifier = verifierOf(jwks.url);
    await ready(verifier);
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('ok');
    // An ES384 token naming the P-256 key's kid finds no key it may be checked with.
    expect(codeOf(await verifier.verify(await tokenOf(p384, 'key-a')))).to.equal('bad-signature');
    const hmac = await signToken(secretBytes('x'.repeat(32)), { alg: 'HS256', kid: 'oct' });
    expect(codeOf(await verifier.verify(hmac))).to.equal('algorithm');
    const none = `${Buffer.from('{"alg":"none","kid":"key-a"}').toString('base64url')}.e30.`;
    expect(codeOf(await verifier.verify(none))).to.equal('algorithm');
  });

  it('verifies a token without kid when several keys could check it', async () => {
    jwks = await FakeJwks.start();
    const [c, d, e] = await Promise.all([testKeyPair('ES256'), testKeyPair('ES256'), testKeyPair('ES256')]);
    jwks.keys = [withoutAlg(c), withoutAlg(d)];
    const verifier = verifierOf(jwks.url);
    await ready(verifier);
    const sign = (pair: TestKeyPair): Promise<string> => signToken(pair.privateKey, { alg: 'ES256', claims: SSE });
    expect(codeOf(await verifier.verify(await sign(d)))).to.equal('ok');
    expect(codeOf(await verifier.verify(await sign(e)))).to.equal('bad-signature');
  });

  it('logs the URL without its query, which may carry a credential', async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk];
    const { origin, pathname } = new URL(jwks.url);
    const verifier = verifierOf(`${origin}${pathname}?token=query-secret`);
    await ready(verifier);
    const fetched = lines.find((l) => l.includes('JWKS fetched'));
    expect(fetched).to.include(`"url":"${origin}${pathname}"`);
    expect(lines.join('')).not.to.include('secret');
  });

  it('with the JWKS URL down: not ready, no-key, logged once, no unhandled rejection; ready once it answers', async () => {
    const port = await freePort();
    const verifier = verifierOf(`http://127.0.0.1:${port}/jwks.json`);
    await eventually(() => fetchErrors >= 3, 'three failed fetches');
    const readiness = verifier.readiness();
    expect(readiness.ready).to.equal(false);
    expect(readiness.ready ? '' : readiness.reason)
      .to.include('no key set fetched yet')
      .and.to.include('unreachable');
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('no-key');
    expect(lines.filter((l) => l.includes('JWKS fetch failed; retrying'))).to.have.length(1);

    jwks = await FakeJwks.start(port);
    jwks.keys = [a.jwk];
    await ready(verifier);
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('ok');
  });

  it('is not ready while the JWKS answers an error status, and says so without the answer text', async () => {
    jwks = await FakeJwks.start();
    jwks.status = 500;
    const verifier = verifierOf(jwks.url);
    await eventually(() => fetchErrors >= 1, 'a failed fetch');
    const readiness = verifier.readiness();
    expect(readiness.ready ? '' : readiness.reason)
      .to.include('200 OK')
      .and.not.to.include('upstream says no');
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('no-key');
  });

  it('keeps the keys it holds, and stays ready, while refreshes fail', async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk];
    const verifier = verifierOf(jwks.url, { refreshMs: 20 });
    await ready(verifier);
    jwks.status = 503;
    await eventually(() => fetchErrors >= 2, 'two failed refreshes');
    expect(verifier.readiness()).to.deep.equal({ ready: true });
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('ok');
  });

  it('answers no-key for an unknown kid while the JWKS cannot be refetched', async () => {
    jwks = await FakeJwks.start();
    jwks.keys = [a.jwk];
    const verifier = verifierOf(jwks.url);
    await ready(verifier);
    jwks.status = 502;
    expect(codeOf(await verifier.verify(await tokenOf(b)))).to.equal('no-key');
    expect(codeOf(await verifier.verify(await tokenOf(a)))).to.equal('ok');
  });

  it('stops fetching when closed', async () => {
    jwks = await FakeJwks.start();
    jwks.status = 500;
    let closedErrors = 0;
    const verifier = verifierOf(jwks.url, {}, () => void (closedErrors += 1));
    await eventually(() => closedErrors >= 2, 'two failed fetches');
    verifier.close();
    const atClose = closedErrors;
    // Evidence that time passed: a second verifier of the same URL fails three times meanwhile.
    let witnessErrors = 0;
    verifierOf(jwks.url, {}, () => void (witnessErrors += 1));
    await eventually(() => witnessErrors >= 3, 'the witness to fail three times');
    expect(closedErrors).to.equal(atClose);
  });
});
