/** Failures a caller can expect and act on; each has a stable code that the edges map to a status. */
export type DomainError =
  | { readonly code: 'invalid-input'; readonly message: string }
  | { readonly code: 'bus-unavailable'; readonly message: string; readonly retryAfterSeconds: number }
  | { readonly code: 'too-many-clients'; readonly message: string };

export const invalidInput = (message: string): DomainError => ({ code: 'invalid-input', message });
