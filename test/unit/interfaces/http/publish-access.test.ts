import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import {
  checkPublishAccess,
  isLoopback,
  isLoopbackHost,
  type PublishPolicy,
} from '../../../../src/interfaces/http/publish-access';

describe('isLoopback', () => {
  for (const address of ['127.0.0.1', '127.5.5.5', '127.255.255.254', '::1', '::ffff:127.0.0.1']) {
    it(`treats ${address} as loopback`, () => {
      expect(isLoopback(address)).to.equal(true);
    });
  }

  for (const address of [
    undefined,
    'localhost',
    '10.0.0.1',
    '::ffff:10.0.0.1',
    '128.0.0.1',
    '::2',
    '',
    '127.0.0.1.evil',
    '127::1',
    '::ffff:7f00:1x',
  ]) {
    it(`does not treat ${String(address)} as loopback`, () => {
      expect(isLoopback(address)).to.equal(false);
    });
  }
});

const NONE = { publishToken: undefined, verifier: undefined };
const TOKEN = 's3cret-token-0123';
const WITH_TOKEN = { publishToken: TOKEN, verifier: undefined };

/** The status of a refusal, or 'allowed'. */
async function access(
  policy: PublishPolicy,
  headers: IncomingHttpHeaders,
  address: string | undefined,
): Promise<number | 'allowed'> {
  const result = await checkPublishAccess(policy, headers, address);
  return result.allowed ? 'allowed' : result.status;
}

describe('checkPublishAccess', () => {
  describe('without a token configured', () => {
    it('lets local callers publish', async () => {
      expect(await access(NONE, {}, '127.0.0.1')).to.equal('allowed');
      expect(await access(NONE, { host: 'localhost:8181' }, '::1')).to.equal('allowed');
    });

    it('answers 403 to callers that are not on loopback, whatever header they send', async () => {
      for (const authorization of [undefined, 'Bearer anything']) {
        const denied = await checkPublishAccess(NONE, { authorization }, '10.0.0.1');
        expect(denied.allowed ? 200 : denied.status).to.equal(403);
        expect(denied.allowed ? '' : denied.message).to.include('PUBLISH_TOKEN');
      }
    });

    it('answers 403 when the socket address is unknown', async () => {
      expect(await access(NONE, {}, undefined)).to.equal(403);
    });

    for (const header of ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'via']) {
      it(`answers 403 to a loopback caller that came through a proxy (${header})`, async () => {
        expect(await access(NONE, { host: 'localhost', [header]: '203.0.113.9' }, '127.0.0.1')).to.equal(403);
      });
    }
  });

  describe('with a token configured', () => {
    it('lets a caller with the right bearer token publish from anywhere', async () => {
      expect(await access(WITH_TOKEN, { authorization: `Bearer ${TOKEN}` }, '10.0.0.1')).to.equal('allowed');
      expect(await access(WITH_TOKEN, { authorization: `Bearer ${TOKEN}` }, undefined)).to.equal('allowed');
    });

    it('accepts the scheme name in any case', async () => {
      for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
        expect(await access(WITH_TOKEN, { authorization: `${scheme} ${TOKEN}` }, '10.0.0.1')).to.equal('allowed');
      }
    });

    it('answers 401 without an Authorization header, even on loopback', async () => {
      expect(await checkPublishAccess(WITH_TOKEN, {}, '127.0.0.1')).to.deep.equal({
        allowed: false,
        status: 401,
        message: 'missing bearer token',
      });
    });

    for (const header of ['', 'Bearer', 'Bearer ', `Basic ${TOKEN}`, TOKEN, `Bearer${TOKEN}`]) {
      it(`answers 401 to the header ${JSON.stringify(header)}`, async () => {
        expect(await access(WITH_TOKEN, { authorization: header }, '10.0.0.1')).to.equal(401);
      });
    }

    for (const wrong of ['wrong', TOKEN.toUpperCase(), `${TOKEN}x`, TOKEN.slice(0, -1), `${TOKEN} extra`]) {
      it(`answers 401 to the wrong token ${JSON.stringify(wrong)}`, async () => {
        expect(await access(WITH_TOKEN, { authorization: `Bearer ${wrong}` }, '127.0.0.1')).to.equal(401);
      });
    }

    it('never answers 403 when a token is configured', async () => {
      expect(await access(WITH_TOKEN, { authorization: 'Bearer wrong' }, '10.0.0.1')).to.equal(401);
    });
  });
});

describe('isLoopbackHost', () => {
  it('accepts loopback names with or without a port', () => {
    for (const host of ['localhost', 'LOCALHOST:8181', '127.0.0.1', '127.0.0.1:8181', '[::1]', '[::1]:8181']) {
      expect(isLoopbackHost(host), host).to.equal(true);
    }
  });

  it('refuses any other name, so a DNS-rebound page cannot publish without a token', () => {
    for (const host of ['evil.example', 'evil.example:8181', 'localhost.evil.example', '10.0.0.1:8181', '[fd00::2]']) {
      expect(isLoopbackHost(host), host).to.equal(false);
    }
  });

  it('refuses a loopback caller whose Host is another name', async () => {
    expect(await access(NONE, { host: 'evil.example:8181' }, '127.0.0.1')).to.equal(403);
    expect(await access(NONE, { host: 'localhost:8181' }, '127.0.0.1')).to.equal('allowed');
  });
});
