/** Whether an adapter can do its job now, and if not, why (shown by /readyz). */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

export const READY: Readiness = { ready: true };
