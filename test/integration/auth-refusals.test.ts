import { expect } from 'chai';
import { UnsecuredJWT, type JWTPayload } from 'jose';
import { HS_SECRET, hsToken, nowS, readerClaims } from '../support/hub-tokens';
import { secretBytes, signRaw, signToken, testKeyPair, type TestKeyPair } from '../support/jwt';
import { startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { errorOf, STREAM, streamTarget, StreamClients } from '../support/stream-clients';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'sse-hub';
const OTHER_SECRET = 'another secret, also more than 32 bytes long';

/** Where a subscriber may put its token. */
const SOURCES = {
  header: (token: string) => ({ target: STREAM, headers: { Authorization: `Bearer ${token}` } }),
  query: (token: string) => ({ target: streamTarget({ access_token: token }), headers: {} }),
  cookie: (token: string) => ({ target: STREAM, headers: { Cookie: `sse_token=${token}` } }),
} as const;

/** A refusal as SPEC.md has it: 401, the JSON error shape, a Bearer challenge, the connection closed. */
function expectUnauthenticated(client: RawSseClient, what: string, token = ''): void {
  expect(client.status, what).to.equal(401);
  expect(client.headers['content-type'], what).to.match(/^application\/json/);
  expect(client.headers['www-authenticate'], what).to.equal('Bearer');
  expect(client.headers.connection, what).to.equal('close');
  const body = errorOf(client);
  expect(body, what).to.include({ success: false, code: 401 });
  expect(body.message, what).to.be.a('string').and.not.empty;
  if (token.length > 8) expect(client.body, `${what}: the reply quotes no part of the token`).not.to.include(token);
}

describe('private topics: refused tokens', () => {
  let service: RunningService;
  const clients = new StreamClients(() => service.port);
  afterEach(async () => {
    clients.closeAll();
    await service.stop();
  });

  describe('with an HMAC JWT_KEY, JWT_ISSUER and JWT_AUDIENCE', () => {
    beforeEach(async () => {
      service = await startService({ jwtKey: HS_SECRET, jwtIssuer: ISSUER, jwtAudience: AUDIENCE });
    });
    const good = (claims: JWTPayload = {}): JWTPayload => ({
      iss: ISSUER,
      aud: AUDIENCE,
      exp: nowS() + 600,
      ...readerClaims('vip'),
      ...claims,
    });

    it('answers 401 for every kind of invalid token, wherever the token is', async () => {
      const noIssuer = { ...good(), iss: undefined };
      const cases: [string, string][] = [
        ['a bad signature', await hsToken(good(), OTHER_SECRET)],
        ['alg none', new UnsecuredJWT(good()).encode()],
        ['an expired token', await hsToken(good({ exp: nowS() - 60 }))],
        ['a token not valid yet', await hsToken(good({ nbf: nowS() + 60 }))],
        ['a wrong issuer', await hsToken(good({ iss: 'https://evil.example' }))],
        ['no issuer', await hsToken(noIssuer)],
        ['a wrong audience', await hsToken(good({ aud: 'another-service' }))],
        ['an sse claim that is not an object', await hsToken(good({ sse: 'vip' }))],
        ['an sse.subscribe that is not a list', await hsToken(good({ sse: { subscribe: 'vip' } }))],
        ['an sse.subscribe with an invalid filter', await hsToken(good({ sse: { subscribe: ['no spaces'] } }))],
        ['an invalid filter after *', await hsToken(good({ sse: { subscribe: ['*', 'no spaces'] } }))],
        ['an sse.publish with an invalid filter', await hsToken(good({ sse: { publish: ['a', 7] } }))],
        [
          'an exp that is text',
          await signRaw(secretBytes(HS_SECRET), 'HS256', JSON.stringify({ ...good(), exp: 'soon' })),
        ],
        ['not a JWT', 'not-a-jwt'],
        ['an empty token', ''],
      ];
      for (const [what, token] of cases) {
        for (const [source, place] of Object.entries(SOURCES)) {
          const { target, headers } = place(token);
          expectUnauthenticated(await clients.connect(target, headers), `${what} (${source})`, token);
        }
      }
    });

    it('serves the same token when it is valid (the cases above fail for their one fault)', async () => {
      for (const place of Object.values(SOURCES)) {
        const { target, headers } = place(await hsToken(good()));
        expect((await clients.subscribe(target, headers)).status).to.equal(200);
      }
    });

    it('checks the token before the query: a bad token with a bad query is 401, a good one is 400', async () => {
      const bad = await hsToken(good(), OTHER_SECRET);
      const ok = await hsToken(good());
      const badQueries: Record<string, string>[] = [
        { topic: 'no spaces' },
        { rewind: 'x' },
        { latest: '2' },
        { heartbeat: 'x' },
      ];
      for (const query of badQueries) {
        const what = JSON.stringify(query);
        expectUnauthenticated(await clients.connect(streamTarget({ ...query, access_token: bad })), what, bad);
        const refused = await clients.connect(streamTarget({ ...query, access_token: ok }));
        expect(refused.status, what).to.equal(400);
        expect(errorOf(refused), what).to.include({ success: false, code: 400 });
      }
    });
  });

  for (const alg of ['ES256', 'EdDSA']) {
    describe(`with a PEM public key (${alg}) as JWT_KEY`, () => {
      let pair: TestKeyPair;
      beforeEach(async () => {
        pair = await testKeyPair(alg);
        service = await startService({ jwtKey: pair.pem });
      });

      it(`serves a token signed with the ${alg} private key`, async () => {
        const token = await signToken(pair.privateKey, { alg, claims: readerClaims('vip') });
        expect((await clients.subscribe(...place(token))).status).to.equal(200);
      });

      it('refuses an HMAC token signed with the public key as its secret, alg none and another key', async () => {
        const other = await testKeyPair(alg);
        const cases: [string, string][] = [
          ['HS256 with the PEM as secret', await signToken(secretBytes(pair.pem), { alg: 'HS256', claims: {} })],
          ['HS256 with the trimmed PEM as secret', await signToken(secretBytes(pair.pem.trim()), { alg: 'HS256' })],
          ['alg none', new UnsecuredJWT(readerClaims('vip')).encode()],
          ['another key', await signToken(other.privateKey, { alg, claims: readerClaims('vip') })],
          ['an HMAC token', await hsToken(readerClaims('vip'))],
        ];
        for (const [what, token] of cases) expectUnauthenticated(await clients.connect(...place(token)), what, token);
      });
    });
  }

  describe('with ANONYMOUS=false', () => {
    beforeEach(async () => (service = await startService({ jwtKey: HS_SECRET, anonymous: false })));

    it('answers 401 to a stream without a token, before looking at its query', async () => {
      expectUnauthenticated(await clients.connect(STREAM), 'no token');
      expectUnauthenticated(await clients.connect(streamTarget({ topic: 'no spaces' })), 'no token, bad topic');
      expectUnauthenticated(await clients.connect(STREAM, { Cookie: 'other=1' }), 'another cookie only');
    });

    it('answers HEAD as it would GET: 401 without a token, 200 with one', async () => {
      const head = (headers: Record<string, string> = {}): Promise<number> =>
        fetch(`${service.url}${STREAM}`, { method: 'HEAD', headers }).then((r) => r.status);
      expect(await head()).to.equal(401);
      expect(await head({ Authorization: `Bearer ${await hsToken({})}` })).to.equal(200);
    });

    it('serves a stream with a valid token, even one that grants nothing', async () => {
      expect((await clients.subscribe(...place(await hsToken({})))).status).to.equal(200);
      const cookie = { Cookie: `sse_token=${await hsToken(readerClaims('vip'))}` };
      expect((await clients.subscribe(STREAM, cookie)).status).to.equal(200);
    });
  });

  describe('with MAX_CLIENTS reached', () => {
    beforeEach(async () => (service = await startService({ jwtKey: HS_SECRET, maxClients: 1 })));

    it('checks the token, then the query, then whether the stream can be taken', async () => {
      await clients.subscribe(STREAM);
      const bad = await hsToken({}, OTHER_SECRET);
      expectUnauthenticated(await clients.connect(streamTarget({ topic: 'no spaces', access_token: bad })), 'bad');
      expect((await clients.connect(streamTarget({ topic: 'no spaces' }))).status).to.equal(400);
      const turned = await clients.connect(streamTarget({ access_token: await hsToken({}) }));
      await turned.waitFor((c) => c.closed, 5_000, 'the end of the turned-away stream');
      expect(turned.status).to.equal(200);
      expect(turned.events).to.deep.equal([{ id: undefined, event: 'unavailable', data: '{"reason":"capacity"}' }]);
    });
  });
});

/** The header place of a token, as the arguments of StreamClients.connect. */
function place(token: string): [string, Record<string, string>] {
  return [STREAM, { Authorization: `Bearer ${token}` }];
}
