import type { DomainError } from '../domain/errors';
import type { Grant } from '../domain/grant';
import { fail, ok, type Result } from '../domain/result';
import type { TokenVerifier } from './ports/token-verifier.port';

/** Who may subscribe: ANONYMOUS and the JWT key (absent: no token is ever checked). */
export interface SubscriberPolicy {
  readonly verifier: TokenVerifier | undefined;
  /** ANONYMOUS: whether a stream without a token is served (public events only). */
  readonly anonymous: boolean;
  /** Epoch ms now: a token past its `exp` is refused even within the verifier's clock tolerance. */
  readonly now: () => number;
}

/** Turns a subscriber's token into its grant: never a silent downgrade to anonymous. */
export class AuthenticateSubscriber {
  constructor(private readonly policy: SubscriberPolicy) {}

  /**
   * `token` is the one the request carried (the first present of header, query and cookie). No token:
   * anonymous, or `unauthenticated` with ANONYMOUS=false. A token that does not verify is `unauthenticated`,
   * never anonymous. Without a JWT key no token is checked (none can grant anything).
   */
  async execute(token: string | undefined): Promise<Result<Grant | undefined, DomainError>> {
    const { verifier, anonymous } = this.policy;
    if (token === undefined) {
      return anonymous ? ok(undefined) : fail({ code: 'unauthenticated', message: 'a token is required' });
    }
    if (verifier === undefined) return ok(undefined);
    const verified = await verifier.verify(token);
    if (!verified.ok) return fail({ code: 'unauthenticated', message: verified.error.message });
    const { expiresAt } = verified.value;
    // The verifier's tolerance is for clocks that disagree; a stream would be closed at once anyway.
    if (expiresAt !== undefined && expiresAt <= this.policy.now()) {
      return fail({ code: 'unauthenticated', message: 'the token has expired' });
    }
    return verified;
  }
}
