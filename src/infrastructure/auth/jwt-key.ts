import { createPublicKey, type KeyObject } from 'node:crypto';
import { fail, ok, type Result } from '../../domain/result';

/** JWT_KEY, read: the key and the only algorithms a token checked with it may name. */
export type JwtKey =
  | { readonly kind: 'hmac'; readonly secret: Uint8Array; readonly algorithms: readonly string[] }
  | { readonly kind: 'public'; readonly key: KeyObject; readonly algorithms: readonly string[] };

export type JwtKeyError = { readonly code: 'invalid-key'; readonly message: string };

export const MIN_HMAC_BYTES = 32;
const MIN_RSA_BITS = 2048; // what jose (and RFC 7518) require of RS*/PS* keys

const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_CURVES: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

const invalid = (message: string): { readonly ok: false; readonly error: JwtKeyError } =>
  fail({ code: 'invalid-key', message });

/**
 * Reads JWT_KEY: a PEM public key (its type fixes the algorithms: RSA → RS*,
 * PS*; EC P-256 → ES256, P-384 → ES384, P-521 → ES512; Ed25519 → EdDSA), or
 * else an HMAC secret of at least 32 bytes (HS*). Pinning the algorithms to the
 * key is what defeats `alg: none` and HMAC-signed-with-the-public-key tokens.
 * Messages never quote the value.
 */
export function parseJwtKey(raw: string): Result<JwtKey, JwtKeyError> {
  if (!raw.includes('-----BEGIN')) {
    const secret = new TextEncoder().encode(raw);
    if (secret.byteLength < MIN_HMAC_BYTES) {
      return invalid(`an HMAC secret must be at least ${MIN_HMAC_BYTES} bytes (or give a PEM public key)`);
    }
    return ok({ kind: 'hmac', secret, algorithms: ['HS256', 'HS384', 'HS512'] });
  }
  // An environment variable often carries a PEM on one line, with literal \n between its lines.
  const pem = raw.replace(/\\n/g, '\n');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return invalid('the PEM is a private key: give its public key (-----BEGIN PUBLIC KEY-----)');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return invalid('the PEM does not parse as a public key (expected -----BEGIN PUBLIC KEY-----, SPKI)');
  }
  const algorithms = algorithmsFor(key);
  return typeof algorithms === 'string' ? invalid(algorithms) : ok({ kind: 'public', key, algorithms });
}

/** The JWS algorithms a public key may verify, or why it cannot verify any. */
function algorithmsFor(key: KeyObject): readonly string[] | string {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) return `the PEM is an RSA key of ${bits} bits: at least ${MIN_RSA_BITS} are needed`;
      return key.asymmetricKeyType === 'rsa' ? RSA : RSA.filter((alg) => alg.startsWith('PS'));
    }
    case 'ec': {
      const alg = EC_CURVES[details.namedCurve ?? ''];
      return alg === undefined
        ? `the PEM is an EC key on curve ${details.namedCurve ?? 'unknown'}: expected P-256, P-384 or P-521`
        : [alg];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return `the PEM is a ${key.asymmetricKeyType ?? 'unknown'} key: expected RSA, EC (P-256, P-384, P-521) or Ed25519`;
  }
}
