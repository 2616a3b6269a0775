import { expect } from 'chai';
import { checkPublishAccess, isLoopback, isLoopbackHost } from '../../../../src/interfaces/http/publish-access';

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

describe('checkPublishAccess', () => {
  describe('without a token configured', () => {
    it('lets loopback callers publish', () => {
      expect(checkPublishAccess(undefined, undefined, '127.0.0.1')).to.equal(undefined);
      expect(checkPublishAccess(undefined, undefined, '::1')).to.equal(undefined);
    });

    it('answers 403 to callers that are not on loopback, whatever header they send', () => {
      for (const authorization of [undefined, 'Bearer anything']) {
        const denied = checkPublishAccess(undefined, authorization, '10.0.0.1');
        expect(denied?.status).to.equal(403);
        expect(denied?.message).to.include('PUBLISH_TOKEN');
      }
    });

    it('answers 403 when the socket address is unknown', () => {
      expect(checkPublishAccess(undefined, undefined, undefined)?.status).to.equal(403);
    });
  });

  describe('with a token configured', () => {
    const TOKEN = 's3cret-token';

    it('lets a caller with the right bearer token publish from anywhere', () => {
      expect(checkPublishAccess(TOKEN, `Bearer ${TOKEN}`, '10.0.0.1')).to.equal(undefined);
      expect(checkPublishAccess(TOKEN, `Bearer ${TOKEN}`, undefined)).to.equal(undefined);
    });

    it('accepts the scheme name in any case', () => {
      for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
        expect(checkPublishAccess(TOKEN, `${scheme} ${TOKEN}`, '10.0.0.1')).to.equal(undefined);
      }
    });

    it('answers 401 without an Authorization header, even on loopback', () => {
      expect(checkPublishAccess(TOKEN, undefined, '127.0.0.1')).to.deep.equal({
        status: 401,
        message: 'missing bearer token',
      });
    });

    for (const header of ['', 'Bearer', 'Bearer ', `Basic ${TOKEN}`, TOKEN, `Bearer${TOKEN}`]) {
      it(`answers 401 to the header ${JSON.stringify(header)}`, () => {
        expect(checkPublishAccess(TOKEN, header, '10.0.0.1')?.status).to.equal(401);
      });
    }

    for (const wrong of ['wrong', 'S3CRET-TOKEN', `${TOKEN}x`, TOKEN.slice(0, -1), `${TOKEN} extra`]) {
      it(`answers 401 to the wrong token ${JSON.stringify(wrong)}`, () => {
        expect(checkPublishAccess(TOKEN, `Bearer ${wrong}`, '127.0.0.1')?.status).to.equal(401);
      });
    }

    it('never answers 403 when a token is configured', () => {
      expect(checkPublishAccess(TOKEN, 'Bearer wrong', '10.0.0.1')?.status).to.equal(401);
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
    expect(checkPublishAccess(undefined, undefined, '127.0.0.1', 'evil.example:8181')?.status).to.equal(403);
    expect(checkPublishAccess(undefined, undefined, '127.0.0.1', 'localhost:8181')).to.equal(undefined);
  });
});
