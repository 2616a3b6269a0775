/**
 * Which origins may read a response: `*` answers any origin (without credentials); a list echoes a listed
 * origin, with credentials allowed (so a browser's EventSource sends its cookie), and `Vary: Origin` so
 * caches keep them apart; any other origin gets no allow header, so a browser refuses the response.
 */
export function corsHeaders(allowed: '*' | readonly string[], origin: string | undefined): Record<string, string> {
  if (allowed === '*') return { 'Access-Control-Allow-Origin': '*' };
  if (origin !== undefined && allowed.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
  }
  return { Vary: 'Origin' };
}
