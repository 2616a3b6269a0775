import { READY, type Readiness } from '../application/ports/readiness';

/** Ready when every part is; otherwise every reason, joined. */
export function readinessOf(parts: readonly Readiness[]): Readiness {
  const reasons = parts.flatMap((p) => (p.ready ? [] : [p.reason]));
  return reasons.length === 0 ? READY : { ready: false, reason: reasons.join('; ') };
}
