import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../application/ports/clock.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import type { TokenError, TokenVerifier } from '../../application/ports/token-verifier.port';
import type { Grant } from '../../domain/grant';
import { fail, type Result } from '../../domain/result';
import { backoffDelay, type BackoffPolicy } from '../bus/backoff';
import type { Logger } from '../logging/logger';
import { fetchProblem } from './fetch-problem';
import { KeySetUnavailable, tokenError } from './token-error-of';
import { verifyJwt, type JwtChecks } from './verify-jwt';

/** Every asymmetric JWS algorithm; jose further pins each to the JWK's kty and crv, and refuses `oct` keys. */
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

export interface JwksSettings {
  /** JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE. */
  readonly url: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** How often the held set is refetched in the background, so a removed key stops verifying. */
  readonly refreshMs?: number;
  /** A token with an unknown `kid` refetches the set at most this often (jose's cooldown). */
  readonly cooldownMs?: number;
  readonly timeoutMs?: number;
  /** Backoff of the fetches that follow a failed one. */
  readonly retry?: BackoffPolicy;
}

export interface JwksParts {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Counts background fetches that failed (sse_jwks_fetch_errors_total). */
  readonly onFetchError?: () => void;
}

export const JWKS_DEFAULTS = {
  refreshMs: 300_000,
  cooldownMs: 5_000,
  timeoutMs: 5_000,
  retry: { initialMs: 1_000, maxMs: 30_000 },
} as const;

/**
 * Checks tokens with the keys of a JWKS (JWT_JWKS_URL), fetched with jose's
 * remote key set: cached, refetched when a token names an unknown `kid`
 * (rotation), at most once per cooldown. The set held is kept through JWKS
 * outages and refreshed in the background. Until a set has been fetched once,
 * every token is answered `no-key` without a fetch of its own, and readiness
 * says why.
 */
export class JwksTokenVerifier implements TokenVerifier {
  private readonly keySet: ReturnType<typeof createRemoteJWKSet>;
  private readonly getKey: JWTVerifyGetKey;
  private readonly checks: JwtChecks;
  private everFetched = false;
  private failures = 0;
  private problem = 'not fetched yet';
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: JwksSettings,
    private readonly parts: JwksParts,
  ) {
    this.keySet = createRemoteJWKSet(new URL(settings.url), {
      timeoutDuration: settings.timeoutMs ?? JWKS_DEFAULTS.timeoutMs,
      cooldownDuration: settings.cooldownMs ?? JWKS_DEFAULTS.cooldownMs,
      // Never stale by age: the background refresh replaces it, and an outage keeps the last good set.
      cacheMaxAge: Number.POSITIVE_INFINITY,
    });
    this.getKey = (header, token) => this.keyFor(header, token);
    const { issuer, audience } = settings;
    this.checks = { algorithms: ASYMMETRIC, issuer, audience, clock: parts.clock };
  }

  async verify(token: string): Promise<Result<Grant, TokenError>> {
    if (!this.everFetched) return fail(tokenError('no-key'));
    return verifyJwt(token, this.getKey, this.checks);
  }

  readiness(): Readiness {
    return this.everFetched
      ? READY
      : { ready: false, reason: `no key set fetched yet from JWT_JWKS_URL (${this.problem})` };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.fetch();
  }

  close(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** jose's lookup; a set it cannot have (down, timed out, not a JWKS) becomes `no-key`, not a bad token. */
  private async keyFor(...args: Parameters<JWTVerifyGetKey>): Promise<Awaited<ReturnType<JWTVerifyGetKey>>> {
    try {
      return await this.keySet(...args);
    } catch (error) {
      const aboutTheToken =
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported;
      if (aboutTheToken) throw error;
      throw new KeySetUnavailable(fetchProblem(error), { cause: error });
    }
  }

  /** One background fetch; what it finds after close() is ignored. */
  private fetch(): void {
    void this.keySet.reload().then(
      () => this.running && this.fetched(),
      (error: unknown) => this.running && this.fetchFailed(error),
    );
  }

  private fetched(): void {
    if (!this.everFetched || this.failures > 0)
      this.parts.logger.info({ url: shownUrl(this.settings.url) }, 'JWKS fetched');
    this.everFetched = true;
    this.failures = 0;
    this.schedule(this.settings.refreshMs ?? JWKS_DEFAULTS.refreshMs);
  }

  /** Logged once per run of failures (then at debug), counted each time; the set held so far stays in use. */
  private fetchFailed(error: unknown): void {
    this.problem = fetchProblem(error);
    const line = { url: shownUrl(this.settings.url), problem: this.problem, keysHeld: this.everFetched };
    if (this.failures === 0) this.parts.logger.warn(line, 'JWKS fetch failed; retrying');
    else this.parts.logger.debug(line, 'JWKS fetch failed again');
    this.parts.onFetchError?.();
    this.schedule(backoffDelay(this.settings.retry ?? JWKS_DEFAULTS.retry, this.failures));
    this.failures += 1;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => this.fetch(), delayMs);
    this.timer.unref();
  }
}

/** The URL as logged: no user, password or query, which may carry a credential. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
