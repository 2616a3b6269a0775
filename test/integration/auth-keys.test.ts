import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import { FakeJwks } from '../support/fake-jwks';
import { freePort } from '../support/free-port';
import { broadcastWith, publishAs, publisherClaims, readerClaims } from '../support/hub-tokens';
import { startService, type RunningService } from '../support/in-process-service';
import { signToken, testKeyPair, type TestKeyPair } from '../support/jwt';
import { readyz } from '../support/replica-set';
import type { RawSseClient } from '../support/raw-sse-client';
import { messagesOf, STREAM, StreamClients } from '../support/stream-clients';
import { eventually } from '../support/wait';

/** A token of `claims` signed by `pair`, naming its key with `kid` when given. */
const tokenOf = (pair: TestKeyPair, claims: JWTPayload, kid?: string): Promise<string> =>
  signToken(pair.privateKey, { alg: pair.alg, claims, ...(kid === undefined ? {} : { kid }) });

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

describe('private topics with asymmetric keys', () => {
  let service: RunningService;
  const clients = new StreamClients(() => service.port);
  afterEach(async () => {
    clients.closeAll();
    await service.stop();
  });

  /** Publishes a private `vip` event with `publisher`, then a public fence, and returns what each reader got. */
  const privateRound = async (publisher: string, readers: RawSseClient[]): Promise<unknown[][]> => {
    await publishAs(service.url, publisher, { message: 'private', topic: 'vip', private: true });
    await publishAs(service.url, publisher, { message: 'fence', topic: 'vip' });
    await Promise.all(readers.map((r) => r.waitFor((c) => messagesOf(c).includes('fence'), 5_000, 'the fence')));
    return readers.map((r) => messagesOf(r).slice(0, -1));
  };

  for (const alg of ['ES256', 'EdDSA']) {
    it(`checks subscriber and publisher tokens with a ${alg} public key given as JWT_KEY`, async () => {
      const pair = await testKeyPair(alg);
      service = await startService({ jwtKey: pair.pem });
      const covered = await clients.subscribe(STREAM, bearer(await tokenOf(pair, readerClaims('vip'))));
      const uncovered = await clients.subscribe(STREAM, bearer(await tokenOf(pair, readerClaims('other'))));
      const anonymous = await clients.subscribe(STREAM);
      const publisher = await tokenOf(pair, publisherClaims('vip'));
      expect(await privateRound(publisher, [covered, uncovered, anonymous])).to.deep.equal([['private'], [], []]);
      const outOfScope = await broadcastWith(service.url, publisher, { message: 'no', topic: 'other' });
      expect(outOfScope.status).to.equal(403);
    });
  }

  describe('with JWT_JWKS_URL', function () {
    // A token naming a kid the set lacks makes the hub fetch the set again, at most once per 30 s cooldown.
    this.timeout(60_000);
    let jwks: FakeJwks;
    let a: TestKeyPair;
    let b: TestKeyPair;
    before(async () => {
      [a, b] = await Promise.all([testKeyPair('ES256', 'key-a'), testKeyPair('EdDSA', 'key-b')]);
    });
    beforeEach(async () => {
      jwks = await FakeJwks.start();
      jwks.keys = [a.jwk];
      service = await startService({ jwtJwksUrl: jwks.url });
      await eventually(async () => (await readyz(service.url)).status === 200, 'the key set to be fetched');
    });
    afterEach(() => jwks.stop());

    it('takes tokens signed with a key of the set, by kid', async () => {
      const covered = await clients.subscribe(STREAM, bearer(await tokenOf(a, readerClaims('vip'), 'key-a')));
      const anonymous = await clients.subscribe(STREAM);
      const publisher = await tokenOf(a, publisherClaims('*'), 'key-a');
      expect(await privateRound(publisher, [covered, anonymous])).to.deep.equal([['private'], []]);
      const unknown = await clients.connect(STREAM, bearer(await tokenOf(b, readerClaims('vip'), 'key-b')));
      expect(unknown.status, 'a key the set does not hold').to.equal(401);
    });

    it('takes tokens of the new key after a rotation, and refuses those of the key it removed', async () => {
      const before = await clients.subscribe(STREAM, bearer(await tokenOf(a, readerClaims('vip'), 'key-a')));
      jwks.keys = [b.jwk]; // the issuer rotates: key-b replaces key-a
      const newToken = await tokenOf(b, readerClaims('vip'), 'key-b');
      let rotated: RawSseClient | undefined;
      await eventually(
        async () => {
          rotated?.close();
          rotated = await clients.connect(STREAM, bearer(newToken));
          return rotated.status === 200;
        },
        'a token of the new key to be taken',
        45_000,
        250,
      );
      const old = await clients.connect(STREAM, bearer(await tokenOf(a, readerClaims('vip'), 'key-a')));
      expect(old.status, 'the removed key').to.equal(401);
      const publisher = await tokenOf(b, publisherClaims('*'), 'key-b');
      await rotated!.waitFor((c) => c.retry !== undefined, 5_000, 'the retry line');
      // A stream opened before the rotation lives on: its token was checked when it opened.
      expect(await privateRound(publisher, [rotated!, before])).to.deep.equal([['private'], ['private']]);
    });
  });

  it('answers /readyz 503 while the JWKS cannot be fetched, and 200 once it can', async () => {
    const port = await freePort();
    service = await startService({ jwtJwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    const down = await readyz(service.url);
    expect(down.status).to.equal(503);
    expect(down.json.message).to.match(/key set/);
    const jwks = await FakeJwks.start(port);
    try {
      jwks.keys = [(await testKeyPair('ES256', 'key-a')).jwk];
      await eventually(async () => (await readyz(service.url)).status === 200, 'the key set to be fetched', 15_000);
    } finally {
      await jwks.stop();
    }
  });
});
