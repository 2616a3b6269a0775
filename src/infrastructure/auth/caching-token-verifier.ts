import type { Clock } from '../../application/ports/clock.port';
import type { Readiness } from '../../application/ports/readiness';
import type { TokenError, TokenVerifier } from '../../application/ports/token-verifier.port';
import type { Grant } from '../../domain/grant';
import { ok, type Result } from '../../domain/result';

/** How long a verified token is taken on trust again (a key removed from a JWKS stops working within this). */
export const VERIFIED_TTL_MS = 30_000;
/** Verified tokens remembered; past it the one verified longest ago goes. */
const MAX_ENTRIES = 10_000;

interface Verified {
  readonly grant: Grant;
  /** Epoch ms until which the grant is reused: the TTL, never past the token's own `exp`. */
  readonly until: number;
}

/**
 * Remembers the tokens that verified, for a short while: a publisher sends the same token with every
 * broadcast, and a reconnect storm the same tokens again, and jose's signature check is asynchronous
 * (WebCrypto), so each one would cost a turn of the event loop between fan-outs. Only successes are kept;
 * a token is never taken past its `exp`.
 */
export class CachingTokenVerifier implements TokenVerifier {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly inner: TokenVerifier,
    private readonly clock: Clock,
    private readonly ttlMs = VERIFIED_TTL_MS,
  ) {}

  async verify(token: string): Promise<Result<Grant, TokenError>> {
    const now = this.clock.now();
    const known = this.verified.get(token);
    if (known !== undefined && now < known.until) return ok(known.grant);
    this.verified.delete(token);
    const result = await this.inner.verify(token);
    if (result.ok) this.remember(token, result.value, now);
    return result;
  }

  readiness(): Readiness {
    return this.inner.readiness();
  }

  start(): void {
    this.inner.start();
  }

  close(): void {
    this.inner.close();
  }

  private remember(token: string, grant: Grant, now: number): void {
    const until = Math.min(now + this.ttlMs, grant.expiresAt ?? Number.POSITIVE_INFINITY);
    if (until <= now) return;
    if (this.verified.size >= MAX_ENTRIES) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { grant, until });
  }
}
