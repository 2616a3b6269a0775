/** Why a stream is turned away for now (it may come back later): see the stream rules of SPEC.md. */
export type UnavailableReason = 'capacity' | 'shutdown' | 'busy';

/** Failures a caller can expect and act on; each has a stable code that the edges map to a status. */
export type DomainError =
  | { readonly code: 'invalid-input'; readonly message: string }
  | { readonly code: 'unauthenticated'; readonly message: string }
  | { readonly code: 'forbidden'; readonly message: string }
  | { readonly code: 'bus-unavailable'; readonly message: string; readonly retryAfterSeconds: number }
  | { readonly code: 'too-large'; readonly message: string }
  | { readonly code: 'unavailable'; readonly reason: UnavailableReason; readonly message: string };

export const invalidInput = (message: string): DomainError => ({ code: 'invalid-input', message });

export const unavailable = (reason: UnavailableReason, message: string): DomainError => ({
  code: 'unavailable',
  reason,
  message,
});
