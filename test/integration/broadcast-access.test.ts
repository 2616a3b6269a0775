import { expect } from 'chai';
import http from 'node:http';
import os from 'node:os';
import { InMemoryEventBus } from '../../src/infrastructure/bus/in-memory-event-bus';
import { TOKENS } from '../../src/tokens';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import pino from 'pino';

const BROADCAST = '/api/v1/sso/broadcast';

/** An address of this machine that is not loopback, so a request to it comes from a non-loopback socket. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
}

async function expectNothingPublished(watcher: RawSseClient, url: string): Promise<void> {
  const marker = await post(
    `${url}${BROADCAST}`,
    { message: 'marker' },
    {
      'Content-Type': 'application/json',
      Authorization: 'Bearer s3cret-token',
    },
  );
  await watcher.waitForEvents(1);
  expect(watcher.events.map((e) => e.id)).to.deep.equal([marker.json.id]);
}

describe('broadcast access', () => {
  describe('with PUBLISH_TOKEN', () => {
    let service: RunningService;
    let watcher: RawSseClient;
    before(async () => {
      service = await startService({ publishToken: 's3cret-token', host: '0.0.0.0' });
      watcher = await RawSseClient.connect(service.port, '/api/v1/sso/stream');
    });
    after(async () => {
      watcher.close();
      await service.stop();
    });

    it('refuses a missing or wrong token with 401 before looking at the body, and publishes nothing', async () => {
      const cases: Record<string, string>[] = [
        { 'Content-Type': 'application/json' },
        { 'Content-Type': 'application/json', Authorization: 'Bearer wrong' },
        { 'Content-Type': 'application/json', Authorization: 'Bearer s3cret-tokenX' },
        { 'Content-Type': 'application/json', Authorization: 's3cret-token' },
        { 'Content-Type': 'text/plain', Authorization: 'Basic czNjcmV0LXRva2Vu' },
      ];
      for (const headers of cases) {
        const answer = await post(`${service.url}${BROADCAST}`, 'not json at all', headers);
        expect(answer.status, JSON.stringify(headers)).to.equal(401);
        expect(answer.json).to.include({ success: false, code: 401 });
        expect(answer.headers.get('www-authenticate')).to.equal('Bearer');
      }
      await expectNothingPublished(watcher, service.url);
    });

    it('accepts the right token from any address', async () => {
      const host = externalAddress() ?? '127.0.0.1';
      const answer = await post(
        `http://${host}:${service.port}${BROADCAST}`,
        { message: 'remote' },
        {
          'Content-Type': 'application/json',
          Authorization: 'bearer s3cret-token',
        },
      );
      expect(answer.status).to.equal(202);
    });
  });

  describe('without PUBLISH_TOKEN', () => {
    let service: RunningService;
    let watcher: RawSseClient;
    before(async () => {
      service = await startService({ host: '0.0.0.0' });
      watcher = await RawSseClient.connect(service.port, '/api/v1/sso/stream');
    });
    after(async () => {
      watcher.close();
      await service.stop();
    });

    it('refuses callers that are not on loopback with 403, whatever their forwarding headers say', async function () {
      const host = externalAddress();
      if (host === undefined) {
        if (process.env.CI === 'true')
          throw new Error('this machine has no non-loopback IPv4 address to test 403 with');
        console.log('    (skipped: no non-loopback IPv4 address on this machine)');
        return this.skip();
      }
      const answer = await post(
        `http://${host}:${service.port}${BROADCAST}`,
        { message: 'from afar' },
        {
          'Content-Type': 'application/json',
          'X-Forwarded-For': '127.0.0.1',
          Forwarded: 'for=127.0.0.1',
        },
      );
      expect(answer.status).to.equal(403);
      expect(answer.json).to.include({ success: false, code: 403 });
      const invalid = await post(`http://${host}:${service.port}${BROADCAST}`, 'bad', { 'Content-Type': 'text/plain' });
      expect(invalid.status, '403 comes before 415').to.equal(403);
      const marker = await post(`${service.url}${BROADCAST}`, { message: 'local' });
      await watcher.waitForEvents(1);
      expect(watcher.events.map((e) => e.id)).to.deep.equal([marker.json.id]);
    });
  });

  describe('without PUBLISH_TOKEN, from loopback under another name', () => {
    let service: RunningService;
    before(async () => (service = await startService()));
    after(() => service.stop());

    it('refuses a request whose Host is not a loopback name (DNS rebinding) with 403', async () => {
      const answer = await new Promise<number>((resolve, reject) => {
        const body = '{"message":"rebound"}';
        const req = http.request(
          {
            host: '127.0.0.1',
            port: service.port,
            path: BROADCAST,
            method: 'POST',
            headers: { Host: `rebound.example:${service.port}`, 'Content-Type': 'application/json' },
          },
          (res) => (res.resume(), resolve(res.statusCode ?? 0)),
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(answer).to.equal(403);
      const local = await post(`http://localhost:${service.port}${BROADCAST}`, { message: 'by name' });
      expect(local.status).to.equal(202);
    });
  });

  describe('when the bus cannot take the event', () => {
    let service: RunningService;
    before(async () => {
      const bus = new InMemoryEventBus(pino({ level: 'silent' }));
      bus.publish = () =>
        Promise.resolve({
          ok: false,
          error: { code: 'bus-unavailable', message: 'broker is down', retryAfterSeconds: 7 },
        });
      service = await startService({}, (c) => c.rebindSync(TOKENS.EventBus).toConstantValue(bus));
    });
    after(() => service.stop());

    it('answers 503 with Retry-After and the reason', async () => {
      const answer = await post(`${service.url}${BROADCAST}`, { message: 'lost?' });
      expect(answer.status).to.equal(503);
      expect(answer.headers.get('retry-after')).to.equal('7');
      expect(answer.json).to.deep.equal({ success: false, code: 503, message: 'broker is down' });
    });
  });
});
