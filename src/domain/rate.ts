import { fail, ok, type Result } from './result';
import { invalidInput, type DomainError } from './errors';
import { jsonTextOf } from './json-text';
import type { JsonText } from './stream-event';
import type { Topic } from './topic';

export type RateSourceName = 'coinapi' | 'simulated';

/** A currency pair such as BTC/USD; asset ids are CoinAPI's (upper-case letters and digits). */
export interface CurrencyPair {
  readonly base: string;
  readonly quote: string;
}

/** One price observation, in the shape CoinAPI's exchange-rate endpoint returns. */
export interface RateQuote extends CurrencyPair {
  readonly rate: number;
  /** ISO 8601, as the source stamped it. */
  readonly time: string;
  readonly source: RateSourceName;
}

const ASSET = /^[A-Z0-9]{1,16}$/;

export function parsePair(raw: string): Result<CurrencyPair, DomainError> {
  const [base, quote, extra] = raw.trim().toUpperCase().split('/');
  if (base === undefined || quote === undefined || extra !== undefined || !ASSET.test(base) || !ASSET.test(quote)) {
    return fail(invalidInput(`pair "${raw}" must look like BTC/USD (1-16 letters or digits each side)`));
  }
  return ok({ base, quote });
}

export const pairText = (pair: CurrencyPair): string => `${pair.base}/${pair.quote}`;

export const rateTopic = (pair: CurrencyPair): Topic => `rates.${pair.base}-${pair.quote}` as Topic;

/** Only a finite positive rate with a parseable time is a quote worth publishing. */
export function validateQuote(quote: RateQuote): Result<RateQuote, DomainError> {
  if (!ASSET.test(quote.base) || !ASSET.test(quote.quote)) return fail(invalidInput('asset ids are invalid'));
  if (typeof quote.rate !== 'number' || !Number.isFinite(quote.rate) || quote.rate <= 0) {
    return fail(invalidInput(`rate ${String(quote.rate)} is not a finite positive number`));
  }
  if (Number.isNaN(Date.parse(quote.time))) return fail(invalidInput(`time "${quote.time}" is not a date`));
  return ok(quote);
}

/** The event data, in CoinAPI's field names so clients written against CoinAPI read it as is. */
export const rateData = (quote: RateQuote): JsonText =>
  jsonTextOf({
    time: quote.time,
    asset_id_base: quote.base,
    asset_id_quote: quote.quote,
    rate: quote.rate,
    source: quote.source,
  });
