import type { QuoteHandler, RateSource } from '../../application/ports/rate-source.port';
import type { Readiness } from '../../application/ports/readiness';
import { describeError } from '../bus/error-message';
import type { FetchOutcome } from './coinapi-answer';
import { CoinApiClient } from './coinapi-client';
import { CoinApiReport } from './coinapi-report';
import { planRequests, type RateRequest } from './coinapi-requests';
import { readQuotes } from './coinapi-response';
import { tunablesOf, type CoinApiParts, type CoinApiSettings } from './coinapi-settings';
import { FetchHealth } from './fetch-health';
import { KeyMask } from './key-mask';
import type { FetchProblem } from './fetch-problem';
import { PollSchedule } from './poll-schedule';
import { RatePoller } from './rate-poller';

type Answer = Exclude<FetchOutcome, { readonly kind: 'stopped' }>;

/**
 * Exchange rates from CoinAPI's REST API: one poll of every pair per interval,
 * one request per base asset, requests one after another, a poll never
 * overlapping the next. See PollSchedule for the backoff and quota rules.
 */
export class CoinApiRateSource implements RateSource {
  private readonly requests: readonly RateRequest[];
  private readonly client: CoinApiClient;
  private readonly schedule: PollSchedule;
  private readonly health: FetchHealth;
  private readonly poller: RatePoller;
  private readonly report: CoinApiReport;
  private readonly mask: KeyMask;
  private onQuote: QuoteHandler = () => Promise.resolve(false);

  constructor(
    private readonly settings: CoinApiSettings,
    private readonly parts: CoinApiParts,
  ) {
    const tunables = tunablesOf(settings);
    const { intervalMs } = settings;
    this.requests = planRequests(settings.pairs);
    this.mask = new KeyMask(settings.key);
    const timeoutMs = Math.min(tunables.requestTimeoutMs, Math.floor(intervalMs * 0.8));
    this.client = new CoinApiClient({
      baseUrl: settings.url,
      key: settings.key,
      timeoutMs,
      clock: parts.clock,
      fetch: parts.fetch,
      timer: parts.timer,
    });
    this.schedule = new PollSchedule({ ...tunables, intervalMs }, this.requests.length, parts.random);
    const healthPolicy = { unreadyAfter: tunables.unreadyAfter, intervalMs, deadlineMs: timeoutMs };
    this.health = new FetchHealth(healthPolicy, parts.clock);
    this.report = new CoinApiReport(parts.logger, parts.metrics, parts.clock);
    this.poller = new RatePoller(
      (signal) => this.poll(signal),
      intervalMs,
      (error) => this.bug(error),
      parts.timer,
    );
  }

  start(onQuote: QuoteHandler): void {
    if (this.poller.running) return;
    this.onQuote = onQuote;
    this.health.started();
    this.poller.start();
  }

  async stop(): Promise<void> {
    await this.poller.stop();
    this.health.stopped();
  }

  readiness(): Readiness {
    return this.health.readiness();
  }

  /** Makes the requests that are due, one at a time; a 429 or a rejected key ends the poll early. */
  private async poll(signal: AbortSignal): Promise<number> {
    const { clock, metrics } = this.parts;
    const startedAt = clock.now();
    let succeeded = false;
    let problem: FetchProblem | undefined;
    for (const index of this.schedule.due(startedAt)) {
      const request = this.requests[index];
      if (request === undefined) continue;
      const answer = await this.client.get(request.path, signal);
      if (answer.kind === 'stopped' || signal.aborted) return 0;
      const failure = this.settle(index, request, answer);
      if (failure === undefined) succeeded = true;
      else problem = failure;
      if (answer.kind === 'throttled' || answer.kind === 'key-rejected') break;
    }
    if (succeeded) this.health.pollSucceeded();
    else if (problem !== undefined) this.health.pollFailed(problem.code);
    const delay = this.schedule.nextDelay(startedAt, clock.now());
    metrics.ratePollDelay.set(delay / 1000);
    this.health.finished(delay);
    return delay;
  }

  /** Acts on one answer; returns why it brought no valid quote, or undefined if it did. */
  private settle(index: number, request: RateRequest, answer: Answer): FetchProblem | undefined {
    const now = this.parts.clock.now();
    if (answer.quota !== undefined) {
      this.schedule.noteQuota(answer.quota);
      this.report.quota(answer.quota, this.schedule.quotaSpacing(now), this.settings.intervalMs);
    }
    switch (answer.kind) {
      case 'key-rejected':
        this.report.request('key-rejected');
        this.health.rejectedKey();
        this.report.keyRejected(answer.problem, this.schedule.keyRejected(now));
        return answer.problem;
      case 'throttled':
        this.report.request('throttled');
        this.report.throttled(answer.problem, this.schedule.throttled(now, answer.retryAfterMs), answer.retryAfterMs);
        return answer.problem;
      case 'failed':
        this.report.request('error');
        this.report.failed(request, answer.problem, this.schedule.failed(index, now));
        return answer.problem;
      case 'ok':
        return this.read(index, request, answer.body, now);
    }
  }

  private read(index: number, request: RateRequest, body: unknown, now: number): FetchProblem | undefined {
    const readout = readQuotes(request, body, this.mask);
    if (!readout.ok) {
      this.report.request('error');
      this.report.failed(request, readout.error, this.schedule.failed(index, now));
      return readout.error;
    }
    const { quotes, problems } = readout.value;
    for (const problem of problems) this.report.invalidPair(request, problem.quote, problem);
    const first = problems[0];
    if (quotes.length === 0 && first !== undefined) {
      this.report.request('error');
      this.report.backingOff(request, this.schedule.failed(index, now));
      return first;
    }
    this.report.request('ok');
    this.schedule.succeeded(index);
    this.report.delivered(request, quotes);
    for (const quote of quotes) void this.onQuote(quote);
    return undefined;
  }

  private bug(error: unknown): void {
    this.parts.metrics.rateFetchErrors.inc({ reason: 'bug' });
    this.parts.logger.error({ err: describeError(error) }, 'CoinAPI poll failed unexpectedly; carrying on');
  }
}
