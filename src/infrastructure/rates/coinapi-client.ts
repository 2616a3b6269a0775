import type { Clock } from '../../application/ports/clock.port';
import { sortAnswer, tooLarge, type FetchOutcome } from './coinapi-answer';
import { readCapped } from '../capped-body';
import type { FetchProblem } from './fetch-problem';
import { KeyMask } from './key-mask';
import { REAL_TIMER, type Timer } from './timer';

export interface CoinApiClientOptions {
  /** COINAPI_URL without a trailing slash. */
  readonly baseUrl: string;
  readonly key: string;
  /** The hard deadline of a request: connect, headers and the whole body. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
  /** Where the deadline waits; the real timers by default. */
  readonly timer?: Timer;
}

/** SPEC.md: a CoinAPI answer over 1 MiB is refused without being read whole; an exchange rate is a few hundred bytes. */
export const MAX_BODY_BYTES = 1_048_576;
/** An error answer is read only for its message, so only its start is read. */
const ERROR_BODY_BYTES = 16_384;
const DETAIL_CHARS = 300;
/** The abort reason of a request whose deadline passed (a stop or a refused body aborts with another). */
const DEADLINE_PASSED = Symbol('deadline passed');

/**
 * GETs CoinAPI paths with the key in the `X-CoinAPI-Key` header (never in the
 * URL, and never followed through a redirect to another host) and sorts each
 * answer into an outcome. Each request has a hard deadline, kept by a timer
 * this client holds (not a signal the garbage collector may take): when it
 * passes, the request is aborted wherever it is, the body included. Bodies
 * are capped, and every detail it reports has the key masked out.
 */
export class CoinApiClient {
  private readonly fetch: typeof fetch;
  private readonly timer: Timer;
  private readonly mask: KeyMask;

  constructor(private readonly options: CoinApiClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timer = options.timer ?? REAL_TIMER;
    this.mask = new KeyMask(options.key);
  }

  /** One request; `stop` aborts it (the outcome is then `stopped`). Resolves by the deadline, whatever the server does. */
  async get(path: string, stop: AbortSignal): Promise<FetchOutcome> {
    if (stop.aborted) return { kind: 'stopped' };
    const { baseUrl, key, timeoutMs } = this.options;
    const request = new AbortController();
    const deadline = this.timer.set(() => request.abort(DEADLINE_PASSED), timeoutMs);
    const onStop = (): void => request.abort();
    stop.addEventListener('abort', onStop, { once: true });
    try {
      const response = await this.fetch(`${baseUrl}${path}`, {
        headers: { 'X-CoinAPI-Key': key, Accept: 'application/json' },
        redirect: 'error',
        signal: request.signal,
      });
      return await this.read(response, request);
    } catch (error) {
      return this.failure(error, stop, request.signal);
    } finally {
      this.timer.clear(deadline);
      stop.removeEventListener('abort', onStop);
    }
  }

  /** Why a request threw: stopped, past its deadline, or the network (its message masked). */
  private failure(error: unknown, stop: AbortSignal, request: AbortSignal): FetchOutcome {
    if (stop.aborted) return { kind: 'stopped' };
    const problem: FetchProblem =
      request.reason === DEADLINE_PASSED
        ? { code: 'timeout', detail: `no complete answer within ${this.options.timeoutMs} ms` }
        : { code: 'network', detail: this.mask.shown(describe(error), DETAIL_CHARS) };
    return { kind: 'failed', problem, quota: undefined };
  }

  /** Reads the body under the request's deadline, up to the cap; an answer refused unread is aborted. */
  private async read(response: Response, request: AbortController): Promise<FetchOutcome> {
    const { status, headers } = response;
    const now = (): number => this.options.clock.now();
    const success = status >= 200 && status <= 299;
    const declared = Number(headers.get('content-length') ?? Number.NaN);
    if (success && declared > MAX_BODY_BYTES) {
      void response.body?.cancel().catch(() => undefined);
      request.abort();
      return tooLarge(headers, `Content-Length ${declared} is over ${MAX_BODY_BYTES} bytes; not read`, now());
    }
    const body = await readCapped(response.body, success ? MAX_BODY_BYTES : ERROR_BODY_BYTES, request.signal);
    if (body.kind === 'cut') request.abort();
    if (success && body.kind === 'cut') {
      return tooLarge(headers, `over ${MAX_BODY_BYTES} bytes; stopped reading there`, now());
    }
    return sortAnswer({ status, headers, text: body.bytes.toString('utf8') }, this.mask, now());
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
