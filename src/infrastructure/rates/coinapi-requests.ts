import type { CurrencyPair } from '../../domain/rate';

/** One CoinAPI request of a poll: every configured quote of one base asset. */
export interface RateRequest {
  readonly base: string;
  readonly quotes: readonly string[];
  /** Path and query, relative to COINAPI_URL. */
  readonly path: string;
}

/**
 * One request per base asset, in the order the pairs were configured: the
 * single-rate endpoint for a base with one quote, else the all-rates endpoint
 * filtered to its quotes (one request instead of several, since every request
 * costs quota). Asset ids are [A-Z0-9] (see `parsePair`), so nothing needs escaping.
 */
export function planRequests(pairs: readonly CurrencyPair[]): RateRequest[] {
  const quotesByBase = new Map<string, string[]>();
  for (const { base, quote } of pairs) {
    const quotes = quotesByBase.get(base) ?? [];
    if (!quotes.includes(quote)) quotes.push(quote);
    quotesByBase.set(base, quotes);
  }
  return [...quotesByBase].map(([base, quotes]) => ({
    base,
    quotes,
    path:
      quotes.length === 1
        ? `/v1/exchangerate/${base}/${quotes.join('')}`
        : `/v1/exchangerate/${base}?filter_asset_id=${quotes.join(';')}`,
  }));
}
