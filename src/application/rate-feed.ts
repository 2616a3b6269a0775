import type { DomainError } from '../domain/errors';
import type { RateQuote } from '../domain/rate';
import { fail, type Result } from '../domain/result';
import type { IngestRate } from './ingest-rate.use-case';
import type { RateSource } from './ports/rate-source.port';

export type FeedReport = (quote: RateQuote, outcome: Result<{ readonly id: string }, DomainError>) => void;

/** Runs a rate source into IngestRate and reports what became of every quote. */
export class RateFeed {
  constructor(
    private readonly source: RateSource,
    private readonly ingest: IngestRate,
    private readonly report: FeedReport,
  ) {}

  start(): void {
    this.source.start(async (quote) => {
      let outcome: Result<{ readonly id: string }, DomainError>;
      try {
        outcome = await this.ingest.execute(quote);
      } catch (error) {
        outcome = fail({ code: 'bus-unavailable', message: String(error), retryAfterSeconds: 1 });
      }
      this.report(quote, outcome);
      return outcome.ok;
    });
  }

  stop(): Promise<void> {
    return this.source.stop();
  }

  readiness(): ReturnType<RateSource['readiness']> {
    return this.source.readiness();
  }
}
