import { z } from 'zod';
import type { RateQuote } from '../../domain/rate';
import { fail, ok, type Result } from '../../domain/result';
import type { RateRequest } from './coinapi-requests';
import type { FetchProblem } from './fetch-problem';
import type { KeyMask } from './key-mask';

/** `GET /v1/exchangerate/{base}/{quote}`. The values are checked per entry below, so one bad rate spoils only itself. */
const singleRate = z.object({
  asset_id_base: z.string(),
  asset_id_quote: z.string(),
  time: z.unknown(),
  rate: z.unknown(),
});

/** `GET /v1/exchangerate/{base}?filter_asset_id=…`. */
const allRates = z.object({
  asset_id_base: z.string(),
  rates: z.array(z.object({ asset_id_quote: z.string(), time: z.unknown(), rate: z.unknown() })),
});

/** ISO 8601 date and time with a zone, as CoinAPI stamps them (2017-08-09T14:31:18.3150000Z). */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** z.number() refuses NaN and ±Infinity. */
const observation = z.object({
  rate: z.number().positive(),
  time: z.string().refine((time) => ISO_TIME.test(time) && !Number.isNaN(Date.parse(time)), 'not an ISO 8601 time'),
});

/** How many characters of an answer's values a detail shows. */
const SHOWN_CHARS = 200;

export interface Readout {
  readonly quotes: readonly RateQuote[];
  /** Requested quotes that came back invalid or not at all. */
  readonly problems: readonly (FetchProblem & { readonly quote: string })[];
}

type Entry = { readonly asset_id_quote: string; readonly time: unknown; readonly rate: unknown };

/**
 * The quotes `request` asked for, read from a parsed CoinAPI answer in either
 * shape. A body of neither shape, or about another base, is `invalid-response`;
 * a requested quote with a bad rate or time is `invalid-rate`, an absent one
 * `missing-quote`. Quotes nobody asked for are ignored. Values from the answer
 * shown in a detail go through `mask` first (an answer could carry the key anywhere).
 */
export function readQuotes(request: RateRequest, body: unknown, mask: KeyMask): Result<Readout, FetchProblem> {
  const entries = entriesOf(body);
  if (entries === undefined) return fail({ code: 'invalid-response', detail: 'not an exchange-rate answer' });
  if (entries.base !== request.base) {
    const about = mask.shown(entries.base, SHOWN_CHARS);
    return fail({ code: 'invalid-response', detail: `answer is about ${about}, not ${request.base}` });
  }
  const quotes: RateQuote[] = [];
  const problems: Readout['problems'][number][] = [];
  for (const quote of request.quotes) {
    const entry = entries.rates.find((e) => e.asset_id_quote === quote);
    const value = entry === undefined ? undefined : observation.safeParse(entry);
    if (value === undefined) problems.push({ quote, code: 'missing-quote', detail: 'not in the answer' });
    else if (!value.success) problems.push({ quote, code: 'invalid-rate', detail: describe(value.error, entry, mask) });
    else quotes.push({ base: request.base, quote, rate: value.data.rate, time: value.data.time, source: 'coinapi' });
  }
  return ok({ quotes, problems });
}

function entriesOf(body: unknown): { base: string; rates: readonly Entry[] } | undefined {
  const single = singleRate.safeParse(body);
  if (single.success) return { base: single.data.asset_id_base, rates: [single.data] };
  const all = allRates.safeParse(body);
  return all.success ? { base: all.data.asset_id_base, rates: all.data.rates } : undefined;
}

function describe(error: z.ZodError, entry: Entry | undefined, mask: KeyMask): string {
  const fields = error.issues.map((issue) => issue.path.join('.')).join(', ');
  const shown = mask.shown(JSON.stringify({ rate: entry?.rate, time: entry?.time }), SHOWN_CHARS);
  return `invalid ${fields}: ${shown}`;
}
