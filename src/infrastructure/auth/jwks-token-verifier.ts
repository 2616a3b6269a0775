import { errors, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../application/ports/clock.port';
import { READY, type Readiness } from '../../application/ports/readiness';
import type { TokenError, TokenVerifier } from '../../application/ports/token-verifier.port';
import type { Grant } from '../../domain/grant';
import { fail, type Result } from '../../domain/result';
import { backoffDelay, type BackoffPolicy } from '../bus/backoff';
import type { Logger } from '../logging/logger';
import { fetchProblem } from './fetch-problem';
import { fetchKeySet } from './jwks-fetch';
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
  /** A token with an unknown `kid` refetches the set only this long after the last fetch began, whatever came of it. */
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
 * Checks tokens with the keys of a JWKS (JWT_JWKS_URL), held in memory and
 * refreshed in the background; a token that names an unknown `kid` (a
 * rotation) refetches the set, at most once per cooldown counted from the
 * last fetch begun, failed or not, so that no stream of made-up kids can make
 * the hub hammer a JWKS that is struggling. Concurrent lookups share one
 * fetch. The set held is kept through JWKS outages. Until a set has been
 * fetched once, every token is answered `no-key` without a fetch of its own,
 * and readiness says why.
 */
export class JwksTokenVerifier implements TokenVerifier {
  private readonly getKey: JWTVerifyGetKey;
  private readonly checks: JwtChecks;
  /** The lookup of the last set fetched; undefined until one has been. */
  private keySet: JWTVerifyGetKey | undefined;
  private pending: Promise<void> | undefined;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private problem = 'not fetched yet';
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: JwksSettings,
    private readonly parts: JwksParts,
  ) {
    this.getKey = (header, token) => this.keyFor(header, token);
    const { issuer, audience } = settings;
    this.checks = { algorithms: ASYMMETRIC, issuer, audience, clock: parts.clock };
  }

  async verify(token: string): Promise<Result<Grant, TokenError>> {
    if (this.keySet === undefined) return fail(tokenError('no-key'));
    return verifyJwt(token, this.getKey, this.checks);
  }

  readiness(): Readiness {
    return this.keySet !== undefined
      ? READY
      : { ready: false, reason: `no key set fetched yet from JWT_JWKS_URL (${this.problem})` };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.fetch();
  }

  close(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The key for a token; an unknown kid refetches the set when the cooldown allows. */
  private async keyFor(...args: Parameters<JWTVerifyGetKey>): Promise<Awaited<ReturnType<JWTVerifyGetKey>>> {
    const held = this.keySet;
    if (held === undefined) throw new KeySetUnavailable(this.problem);
    try {
      return await held(...args);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.running) throw error;
      // A fetch under way (a rotation's first token, a refresh) is joined: it may bring the key.
      const cooldownMs = this.settings.cooldownMs ?? JWKS_DEFAULTS.cooldownMs;
      if (this.pending === undefined && this.parts.clock.now() - this.lastFetchAt < cooldownMs) throw error;
    }
    if (!(await this.fetch())) throw new KeySetUnavailable(this.problem);
    return (this.keySet ?? held)(...args);
  }

  /** One fetch (shared by whoever asks meanwhile); true when it brought a set. What comes after close() is ignored. */
  private fetch(): Promise<boolean> {
    this.pending ??= this.fetchOnce().finally(() => (this.pending = undefined));
    return this.pending.then(() => this.failures === 0);
  }

  private async fetchOnce(): Promise<void> {
    this.lastFetchAt = this.parts.clock.now();
    const { url, timeoutMs } = this.settings;
    try {
      const keySet = await fetchKeySet(url, timeoutMs ?? JWKS_DEFAULTS.timeoutMs);
      if (this.running) this.fetched(keySet);
    } catch (error) {
      if (this.running) this.fetchFailed(error);
    }
  }

  private fetched(keySet: JWTVerifyGetKey): void {
    if (this.keySet === undefined || this.failures > 0)
      this.parts.logger.info({ url: shownUrl(this.settings.url) }, 'JWKS fetched');
    this.keySet = keySet;
    this.failures = 0;
    this.schedule(this.settings.refreshMs ?? JWKS_DEFAULTS.refreshMs);
  }

  /** Logged once per run of failures (then at debug), counted each time; the set held so far stays in use. */
  private fetchFailed(error: unknown): void {
    this.problem = fetchProblem(error);
    const line = { url: shownUrl(this.settings.url), problem: this.problem, keysHeld: this.keySet !== undefined };
    if (this.failures === 0) this.parts.logger.warn(line, 'JWKS fetch failed; retrying');
    else this.parts.logger.debug(line, 'JWKS fetch failed again');
    this.parts.onFetchError?.();
    this.schedule(backoffDelay(this.settings.retry ?? JWKS_DEFAULTS.retry, this.failures));
    this.failures += 1;
  }

  /** The next background fetch: one timer, whichever fetch set it last. */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => void this.fetch(), delayMs);
    this.timer.unref();
  }
}

/** The URL as logged: no user, password or query, which may carry a credential. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
