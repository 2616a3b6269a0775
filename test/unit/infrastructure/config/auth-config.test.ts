import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../../src/infrastructure/config/load-config';

const invalid = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be invalid`);
};

const HMAC = 'an-hmac-secret-of-32-bytes-SECRET';
const PEM = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('auth variables', () => {
  describe('PUBLISH_TOKEN', () => {
    it('accepts 16 characters or more, spaces inside included', () => {
      expect(loadConfig({ PUBLISH_TOKEN: '0123456789abcdef' }).publishToken).to.equal('0123456789abcdef');
      expect(loadConfig({ PUBLISH_TOKEN: 'correct horse battery' }).publishToken).to.equal('correct horse battery');
    });

    for (const [what, raw] of [
      ['15 characters', 'SECRET-15-chars'],
      ['a leading space', ' SECRET-long-enough-token'],
      ['a trailing newline', 'SECRET-long-enough-token\n'],
      ['a trailing tab', 'SECRET-long-enough-token\t'],
    ]) {
      it(`rejects a token with ${what}, hidden, saying what is allowed`, () => {
        const message = invalid({ PUBLISH_TOKEN: raw });
        expect(message)
          .to.include('PUBLISH_TOKEN=<hidden> is invalid')
          .and.to.include('at least 16 characters, without leading or trailing whitespace');
        expect(message)
          .not.to.include('SECRET')
          .and.not.to.match(/[\r\n]/);
      });
    }
  });

  describe('JWT_KEY, JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, ANONYMOUS', () => {
    it('reads them', () => {
      const env = { JWT_KEY: HMAC, JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'sse-hub', ANONYMOUS: 'false' };
      expect(loadConfig(env)).to.include({
        jwtKey: HMAC,
        jwtJwksUrl: undefined,
        jwtIssuer: 'https://id.example',
        jwtAudience: 'sse-hub',
        anonymous: false,
      });
      expect(loadConfig({ JWT_JWKS_URL: 'https://id.example/jwks.json', ANONYMOUS: 'true' })).to.include({
        jwtKey: undefined,
        jwtJwksUrl: 'https://id.example/jwks.json',
        anonymous: true,
      });
    });

    it('accepts a PEM public key, with real or written line breaks', () => {
      expect(loadConfig({ JWT_KEY: PEM }).jwtKey).to.equal(PEM);
      expect(loadConfig({ JWT_KEY: PEM.replace(/\n/g, '\\n') }).jwtKey).to.equal(PEM.replace(/\n/g, '\\n'));
    });

    it('rejects an HMAC secret shorter than 32 bytes, hidden', () => {
      const message = invalid({ JWT_KEY: 'short-SECRET' });
      expect(message).to.include('JWT_KEY=<hidden> is invalid').and.to.include('at least 32 bytes');
      expect(message).not.to.include('SECRET');
    });

    it('rejects a PEM that is not a public key, saying which problem it has', () => {
      expect(invalid({ JWT_KEY: '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----' })).to.include(
        'JWT_KEY=<hidden> is invalid: the PEM does not parse as a public key',
      );
      const { privateKey } = generateKeyPairSync('ed25519');
      expect(invalid({ JWT_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() })).to.include(
        'JWT_KEY=<hidden> is invalid: the PEM is a private key',
      );
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
      expect(invalid({ JWT_KEY: weak.export({ type: 'spki', format: 'pem' }).toString() })).to.include('1024 bits');
    });

    it('rejects JWT_KEY and JWT_JWKS_URL together', () => {
      expect(invalid({ JWT_KEY: HMAC, JWT_JWKS_URL: 'https://id.example/jwks.json' })).to.include(
        'JWT_KEY and JWT_JWKS_URL are both set',
      );
    });

    it('rejects ANONYMOUS=false without a key or a JWKS URL', () => {
      expect(invalid({ ANONYMOUS: 'false' }))
        .to.include('ANONYMOUS="false" is invalid')
        .and.to.include('JWT_KEY or JWT_JWKS_URL');
      expect(invalid({ ANONYMOUS: 'false', JWT_KEY: '' })).to.include('ANONYMOUS="false"');
    });

    it('rejects an ANONYMOUS other than true or false', () => {
      for (const raw of ['yes', 'TRUE', '0'])
        expect(invalid({ ANONYMOUS: raw })).to.include(`ANONYMOUS="${raw}" is invalid: expected one of true, false`);
    });

    it('rejects a JWKS URL that is not http(s)', () => {
      expect(invalid({ JWT_JWKS_URL: 'file:///etc/jwks.json' }))
        .to.include('JWT_JWKS_URL="file:///etc/jwks.json"')
        .and.to.include('http:// or https://');
    });

    it('reports every auth problem at once, on one line, without the key', () => {
      const message = invalid({
        JWT_KEY: 'short-SECRET',
        JWT_JWKS_URL: 'ftp://x',
        PUBLISH_TOKEN: 'SECRET',
        ANONYMOUS: 'maybe',
      });
      for (const part of [
        'JWT_KEY=<hidden>',
        'JWT_JWKS_URL="ftp://x"',
        'both set',
        'PUBLISH_TOKEN=<hidden>',
        'ANONYMOUS="maybe"',
      ]) {
        expect(message).to.include(part);
      }
      expect(message)
        .not.to.include('SECRET')
        .and.not.to.match(/[\r\n]/);
    });
  });
});
