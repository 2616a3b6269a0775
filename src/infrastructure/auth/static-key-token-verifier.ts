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

  constructor(
    private readonly settings: StaticKeySettings,
    clock: Clock,
  ) {
    const { issuer, audience } = settings;
    this.checks = { algorithms: settings.key.algorithms, issuer, audience, clock };
  }

  verify(token: string): Promise<Result<Grant, TokenError>> {
    const { key } = this.settings;
    return verifyJwt(token, key.kind === 'hmac' ? key.secret : key.key, this.checks);
  }

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
