import type { KeyObject } from 'node:crypto';
import {
  CompactSign,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

/** A key pair made for one test: the private half signs, the public half is what the hub is given. */
export interface TestKeyPair {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  /** The public key as JWT_KEY takes it (SPKI PEM). */
  readonly pem: string;
  /** The public key as a JWKS member, with `kid` and `alg`. */
  readonly jwk: JWK;
}

export async function testKeyPair(
  alg: string,
  kid = `${alg}-${Math.random().toString(36).slice(2)}`,
): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  return { alg, privateKey, pem: await exportSPKI(publicKey), jwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

export interface SignOptions {
  readonly alg: string;
  readonly kid?: string;
  /** Registered claims given as numbers (epoch seconds) or strings are put in the payload as they are. */
  readonly claims?: JWTPayload;
}

/** A compact JWT of `claims`, signed with `key` (a CryptoKey or KeyObject, or the bytes of an HMAC secret). */
export function signToken(key: CryptoKey | KeyObject | Uint8Array, options: SignOptions): Promise<string> {
  const header = { alg: options.alg, ...(options.kid === undefined ? {} : { kid: options.kid }) };
  return new SignJWT(options.claims ?? {}).setProtectedHeader(header).sign(key);
}

/** A JWS over arbitrary payload bytes, for claims SignJWT would refuse to write (an `exp` that is text). */
export function signRaw(key: CryptoKey | Uint8Array, alg: string, payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg }).sign(key);
}

/** The bytes of an HMAC secret written as text (what JWT_KEY holds). */
export const secretBytes = (text: string): Uint8Array => new TextEncoder().encode(text);
