/**
 * Which origins may read a response: `*` answers any origin; a list echoes a
 * listed origin (with `Vary: Origin` so caches keep them apart) and leaves the
 * header out for anything else, so a browser refuses the response.
 */
export function corsHeaders(allowed: '*' | readonly string[], origin: string | undefined): Record<string, string> {
  if (allowed === '*') return { 'Access-Control-Allow-Origin': '*' };
  if (origin !== undefined && allowed.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }
  return { Vary: 'Origin' };
}
