import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { parseJwtKey } from '../../../../src/infrastructure/auth/jwt-key';

const spki = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }): string =>
  key.export({ type: 'spki', format: 'pem' }).toString();

const algorithmsOf = (raw: string): readonly string[] => {
  const key = parseJwtKey(raw);
  if (!key.ok) throw new Error(key.error.message);
  return key.value.algorithms;
};

const problemOf = (raw: string): string => {
  const key = parseJwtKey(raw);
  if (key.ok) throw new Error('expected the key to be refused');
  return key.error.message;
};

describe('parseJwtKey', () => {
  it('reads text without a PEM header as an HMAC secret of at least 32 bytes, for HS* only', () => {
    expect(algorithmsOf('x'.repeat(32))).to.deep.equal(['HS256', 'HS384', 'HS512']);
    expect(problemOf('x'.repeat(31))).to.include('at least 32 bytes');
  });

  it('counts the secret in UTF-8 bytes', () => {
    expect(algorithmsOf('é'.repeat(16))).to.deep.equal(['HS256', 'HS384', 'HS512']);
    expect(problemOf('é'.repeat(15) + 'x')).to.include('at least 32 bytes');
  });

  it('pins the algorithms to the type of a PEM public key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
    const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(algorithmsOf(spki(rsa))).to.deep.equal(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
    expect(algorithmsOf(spki(pss))).to.deep.equal(['PS256', 'PS384', 'PS512']);
    expect(algorithmsOf(spki(ec('P-256')))).to.deep.equal(['ES256']);
    expect(algorithmsOf(spki(ec('P-384')))).to.deep.equal(['ES384']);
    expect(algorithmsOf(spki(ec('P-521')))).to.deep.equal(['ES512']);
    expect(algorithmsOf(spki(ed))).to.deep.equal(['EdDSA', 'Ed25519']);
  });

  it('reads a PEM whose line breaks are written as \\n, as an environment variable often carries it', () => {
    const pem = spki(generateKeyPairSync('ed25519').publicKey);
    expect(algorithmsOf(pem.replace(/\n/g, '\\n'))).to.deep.equal(['EdDSA', 'Ed25519']);
  });

  it('refuses a private key, saying to give its public key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(problemOf(pem)).to.include('private key');
  });

  it('refuses a PEM that does not parse as a public key', () => {
    expect(problemOf('-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n')).to.include(
      'does not parse as a public key',
    );
  });

  it('refuses key types and sizes no JWS algorithm here can use', () => {
    expect(problemOf(spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey))).to.include('1024 bits');
    expect(problemOf(spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey))).to.include('secp256k1');
    expect(problemOf(spki(generateKeyPairSync('x25519').publicKey))).to.include('x25519 key');
    expect(problemOf(spki(generateKeyPairSync('ed448').publicKey))).to.include('ed448 key');
  });

  it('never quotes the value it refuses', () => {
    const secret = 'short-SECRET';
    expect(problemOf(secret)).not.to.include('SECRET');
  });
});
