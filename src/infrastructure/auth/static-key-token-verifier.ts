import { webcrypto } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../application/ports/clock.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import type { TokenError, TokenVerifier } from '../../application/ports/token-verifier.port';
import type { Grant } from '../../domain/grant';
import type { Result } from '../../domain/result';
import type { JwtKey } from './jwt-key';
import { verifyJwt, type JwtChecks } from './verify-jwt';

export interface StaticKeySettings {
  /** JWT_KEY, read by parseJwtKey. */
  readonly key: JwtKey;
  readonly issuer?: string;
  readonly audience?: string;
}

/** Checks tokens with the one key of JWT_KEY (an HMAC secret or a PEM public key). */
export class StaticKeyTokenVerifier implements TokenVerifier {
  private readonly checks: JwtChecks;
  private readonly hmacKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

  constructor(
    private readonly settings: StaticKeySettings,
    clock: Clock,
  ) {
    const { issuer, audience } = settings;
    this.checks = { algorithms: settings.key.algorithms, issuer, audience, clock };
  }

  verify(token: string): Promise<Result<Grant, TokenError>> {
    const { key } = this.settings;
    return verifyJwt(token, key.kind === 'hmac' ? this.hmacKey : key.key, this.checks);
  }

  /**
   * Given the bytes, jose imports the secret again for every token; one CryptoKey per HS algorithm, made
   * at first use, halves the cost of a check. jose has refused any other `alg` before it asks for a key.
   */
  private readonly hmacKey: JWTVerifyGetKey = ({ alg }) => {
    const { key } = this.settings;
    if (key.kind !== 'hmac') throw new Error('not an HMAC key');
    let imported = this.hmacKeys.get(alg);
    if (imported === undefined) {
      const hash = { name: `SHA-${alg.slice(2)}` };
      imported = webcrypto.subtle.importKey('raw', key.secret, { name: 'HMAC', hash }, false, ['verify']);
      this.hmacKeys.set(alg, imported);
    }
    return imported;
  };

  readiness(): Readiness {
    return READY;
  }

  start(): void {
    // Nothing to fetch: the key is in the configuration.
  }

  close(): void {
    // Nothing runs in the background.
  }
}
