import { expect } from 'chai';
import { UnsecuredJWT } from 'jose';
import { broadcastWith, HS_SECRET, hsToken, nowS, publisherClaims, readerClaims } from '../support/hub-tokens';
import { startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { idsOf, messagesOf, STREAM, StreamClients } from '../support/stream-clients';

const PUBLISH_TOKEN = 'the-publish-token-of-this-test';

/** A message nested `depth` arrays deep. */
const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : [nested(depth - 1)]);

describe('broadcast with JWTs', () => {
  let service: RunningService;
  const clients = new StreamClients(() => service.port);
  afterEach(() => clients.closeAll());

  describe('with JWT_KEY and PUBLISH_TOKEN', () => {
    let news = '';
    let anonymous: RawSseClient;
    let reader: RawSseClient;
    before(async () => {
      service = await startService({ jwtKey: HS_SECRET, publishToken: PUBLISH_TOKEN, maxBodyBytes: 4096 });
      news = await hsToken(publisherClaims('news.*', 'alerts'));
    });
    beforeEach(async () => {
      anonymous = await clients.subscribe(STREAM);
      reader = await clients.subscribe(STREAM, { Authorization: `Bearer ${await hsToken(readerClaims('*'))}` });
    });
    after(() => service.stop());

    /** Publishes a public fence with PUBLISH_TOKEN and returns what each watcher got before it. */
    const seenBeforeFence = async (): Promise<unknown[][]> => {
      const answer = await broadcastWith(service.url, PUBLISH_TOKEN, { message: 'fence' });
      expect(answer.status).to.equal(202);
      await Promise.all([anonymous, reader].map((c) => c.waitFor((x) => idsOf(x).includes(answer.json.id as string))));
      return [anonymous, reader].map((c) => messagesOf(c).slice(0, -1));
    };

    it('accepts a JWT whose sse.publish covers the topic, exactly or by prefix, and delivers the event', async () => {
      for (const topic of ['news.sport', 'news.', 'alerts']) {
        const answer = await broadcastWith(service.url, news, { message: topic, topic });
        expect(answer.status, topic).to.equal(202);
        expect(answer.json).to.include({ success: true, code: 202 });
      }
      expect(await seenBeforeFence()).to.deep.equal([
        ['news.sport', 'news.', 'alerts'],
        ['news.sport', 'news.', 'alerts'],
      ]);
    });

    it('refuses with 403 a JWT whose sse.publish does not cover the topic, and publishes nothing', async () => {
      const readOnly = await hsToken(readerClaims('*'));
      const cases: [string, string, Record<string, unknown>][] = [
        ['a prefix is not its stem', news, { message: 1, topic: 'news' }],
        ['an exact filter covers one topic', news, { message: 2, topic: 'alerts.x' }],
        ['no topic is the broadcast topic', news, { message: 3 }],
        ['a private event is no exception', news, { message: 4, topic: 'other', private: true }],
        ['sse.subscribe grants no publishing', readOnly, { message: 5, topic: 'news.sport' }],
      ];
      for (const [what, token, body] of cases) {
        const answer = await broadcastWith(service.url, token, body);
        expect(answer.status, what).to.equal(403);
        expect(answer.json, what).to.include({ success: false, code: 403 });
      }
      expect(await seenBeforeFence()).to.deep.equal([[], []]);
    });

    it('checks the content type, size and body before the scope of the JWT', async () => {
      const cases: [string, number, unknown, Record<string, string>][] = [
        ['not JSON', 415, '{"message": 1, "topic": "other"}', { 'Content-Type': 'text/plain' }],
        ['too large', 413, { message: 'x'.repeat(5000), topic: 'other' }, {}],
        ['a body that does not parse', 400, '{"message": ', {}],
        ['no message', 400, { topic: 'other' }, {}],
        ['an invalid topic', 400, { message: 1, topic: 'no spaces' }, {}],
        ['a reserved event name', 400, { message: 1, topic: 'other', event: 'auth-expiring' }, {}],
        ['an unknown field', 400, { message: 1, topic: 'other', extra: true }, {}],
        ['a message nested too deep', 400, { message: nested(70), topic: 'other' }, {}],
      ];
      for (const [what, status, body, headers] of cases) {
        const answer = await broadcastWith(service.url, news, body, headers);
        expect(answer.status, what).to.equal(status);
        expect(answer.json, what).to.include({ success: false, code: status });
      }
      expect(await seenBeforeFence()).to.deep.equal([[], []]);
    });

    it('answers 401 with a Bearer challenge to an invalid JWT, whatever its claims', async () => {
      const everything = publisherClaims('*');
      const cases: [string, string][] = [
        ['a bad signature', await hsToken(everything, 'another secret, also more than 32 bytes long')],
        ['alg none', new UnsecuredJWT(everything).encode()],
        ['an expired token', await hsToken({ ...everything, exp: nowS() - 60 })],
        ['a token not valid yet', await hsToken({ ...everything, nbf: nowS() + 60 })],
        ['a malformed sse claim', await hsToken({ sse: { publish: 'news.sport' } })],
        ['not a JWT', 'not-a-jwt'],
      ];
      for (const [what, token] of cases) {
        const answer = await broadcastWith(service.url, token, { message: what, topic: 'news.sport' });
        expect(answer.status, what).to.equal(401);
        expect(answer.json, what).to.include({ success: false, code: 401 });
        expect(answer.headers.get('www-authenticate'), what).to.equal('Bearer');
      }
      expect(await seenBeforeFence()).to.deep.equal([[], []]);
    });

    it('still takes PUBLISH_TOKEN, for any topic', async () => {
      const answer = await broadcastWith(service.url, PUBLISH_TOKEN, { message: 'anywhere', topic: 'other' });
      expect(answer.status).to.equal(202);
      expect(await seenBeforeFence()).to.deep.equal([['anywhere'], ['anywhere']]);
    });

    it('publishes "private": true to the subscribers whose token covers the topic only', async () => {
      const jwt = await broadcastWith(service.url, news, { message: 'private jwt', topic: 'news.x', private: true });
      const token = await broadcastWith(service.url, PUBLISH_TOKEN, { message: 'private', topic: 'o', private: true });
      expect([jwt.status, token.status]).to.deep.equal([202, 202]);
      expect(await seenBeforeFence()).to.deep.equal([[], ['private jwt', 'private']]);
    });
  });

  describe('with JWT_KEY alone', () => {
    before(async () => (service = await startService({ jwtKey: HS_SECRET })));
    after(() => service.stop());

    it('requires a token from every caller, loopback included (401)', async () => {
      const cases: Record<string, string>[] = [
        {},
        { Authorization: 'Bearer ' },
        { Authorization: 'Basic dXNlcjpwYXNz' },
      ];
      for (const headers of cases) {
        const answer = await broadcastWith(service.url, undefined, { message: 'local' }, headers);
        expect(answer.status, JSON.stringify(headers)).to.equal(401);
        expect(answer.headers.get('www-authenticate')).to.equal('Bearer');
      }
      const jwt = await hsToken(publisherClaims('broadcast'));
      expect((await broadcastWith(service.url, jwt, { message: 'with a token' })).status).to.equal(202);
    });
  });

  describe('without a JWT key', () => {
    before(async () => (service = await startService()));
    after(() => service.stop());

    it('refuses "private": true with 400, as no subscriber could read it', async () => {
      const answer = await broadcastWith(service.url, undefined, { message: 'secret', private: true });
      expect(answer.status).to.equal(400);
      expect(answer.json).to.include({ success: false, code: 400 });
    });
  });
});
