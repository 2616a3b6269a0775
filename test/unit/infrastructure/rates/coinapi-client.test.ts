import { expect } from 'chai';
import type { FetchOutcome } from '../../../../src/infrastructure/rates/coinapi-answer';
import { CoinApiClient } from '../../../../src/infrastructure/rates/coinapi-client';
import { FIXED_NOW, FixedClock } from '../../../fakes/fixed-clock';

const KEY = 'unit-secret-key-31337';

interface Call {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/** A fetch that records its calls and answers with `respond`. */
function fakeFetch(respond: (call: Call) => Response | Promise<Response>): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fn = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const call = { url: urlOf(input), init };
    calls.push(call);
    return Promise.resolve(respond(call));
  };
  return { fetch: fn, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

async function get(respond: (call: Call) => Response | Promise<Response>, key = KEY) {
  const fake = fakeFetch(respond);
  const client = new CoinApiClient({
    baseUrl: 'https://rest.example',
    key,
    timeoutMs: 800,
    clock: new FixedClock(),
    fetch: fake.fetch,
  });
  const outcome = await client.get('/v1/exchangerate/BTC/USD', new AbortController().signal);
  return { outcome, calls: fake.calls };
}

const problemOf = (outcome: FetchOutcome) => ('problem' in outcome ? outcome.problem : undefined);

/** Every run of 8 characters of `key`, lower-cased: none may show. */
const fragmentsOf = (key: string): string[] =>
  Array.from({ length: key.length - 7 }, (_, at) => key.slice(at, at + 8).toLowerCase());

describe('CoinApiClient', () => {
  it('sends the key only in the X-CoinAPI-Key header, refuses redirects, and sets a signal', async () => {
    const { calls } = await get(() => json(200, {}));
    expect(calls).to.have.length(1);
    expect(calls[0]?.url).to.equal('https://rest.example/v1/exchangerate/BTC/USD');
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get('x-coinapi-key')).to.equal(KEY);
    expect(calls[0]?.init?.redirect).to.equal('error');
    expect(calls[0]?.init?.signal).to.be.instanceOf(AbortSignal);
  });

  it('answers ok with the parsed body and the quota headers', async () => {
    const { outcome } = await get(() =>
      json(200, { rate: 1 }, { 'X-RateLimit-Remaining': '41', 'X-RateLimit-Limit': '100' }),
    );
    expect(outcome).to.deep.equal({ kind: 'ok', body: { rate: 1 }, quota: { limit: 100, remaining: 41 } });
  });

  for (const status of [401, 403]) {
    it(`sorts ${status} as key-rejected with CoinAPI's error message`, async () => {
      const { outcome } = await get(() => json(status, { error: 'Invalid API key' }));
      expect(outcome.kind).to.equal('key-rejected');
      expect(problemOf(outcome)).to.deep.equal({ code: 'key-rejected', detail: `HTTP ${status}: Invalid API key` });
    });
  }

  it('sorts 429 as throttled, with Retry-After when sent', async () => {
    const withHeader = await get(() => json(429, { error: 'slow down' }, { 'Retry-After': '12' }));
    expect(withHeader.outcome).to.include({ kind: 'throttled', retryAfterMs: 12_000 });
    const without = await get(() => json(429, { error: 'slow down' }));
    expect(without.outcome).to.include({ kind: 'throttled', retryAfterMs: undefined });
  });

  it('sorts 5xx (CoinAPI 550 included) as http-5xx and other statuses as http-4xx', async () => {
    for (const [status, code] of [
      [500, 'http-5xx'],
      [550, 'http-5xx'],
      [503, 'http-5xx'],
      [400, 'http-4xx'],
      [404, 'http-4xx'],
    ] as const) {
      const { outcome } = await get(() => new Response('no', { status }));
      expect(outcome.kind, String(status)).to.equal('failed');
      expect(problemOf(outcome), String(status)).to.deep.equal({ code, detail: `HTTP ${status}: no` });
    }
  });

  it('sorts a 200 that is not JSON as malformed-json', async () => {
    const { outcome } = await get(() => new Response('{"time": "20', { status: 200 }));
    expect(outcome.kind).to.equal('failed');
    expect(problemOf(outcome)?.code).to.equal('malformed-json');
  });

  it('sorts a refused connection as network', async () => {
    const refused = await get(() =>
      Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') })),
    );
    expect(problemOf(refused.outcome)).to.deep.equal({
      code: 'network',
      detail: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('answers stopped when aborted by the caller', async () => {
    const stop = new AbortController();
    const fake = fakeFetch(() => {
      stop.abort();
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    });
    const client = new CoinApiClient({
      baseUrl: 'x',
      key: KEY,
      timeoutMs: 800,
      clock: new FixedClock(),
      fetch: fake.fetch,
    });
    expect(await client.get('/p', stop.signal)).to.deep.equal({ kind: 'stopped' });
  });

  it('blanks the whole key out of every detail, wherever it shows up', async () => {
    const answers: (() => Response | Promise<Response>)[] = [
      () => json(401, { error: `key ${KEY} is not valid` }),
      () => new Response(`oops ${KEY}`, { status: 500 }),
      () => new Response(`{"echo": "${KEY}`, { status: 200 }),
      () => json(429, { error: KEY }),
      () => Promise.reject(new TypeError(`Headers.append: "${KEY}" is an invalid header value.`)),
    ];
    for (const answer of answers) {
      const { outcome } = await get(answer);
      const detail = problemOf(outcome)?.detail ?? '';
      expect(detail).to.include('<hidden>');
      expect(detail).not.to.include(KEY);
    }
  });

  it('masks fragments of the key too, in any case, before a detail is cut', async () => {
    const answers: (() => Response)[] = [
      () => json(500, { error: `key starts ${KEY.slice(0, 11)}` }),
      () => new Response(`bad key ${KEY.slice(5, 13)}!`, { status: 403 }),
      () => new Response(`${'x'.repeat(190)}${KEY}`, { status: 500 }),
      () => new Response(`{"echo": "${KEY.slice(0, 12)}`, { status: 200 }),
      () => json(401, { error: KEY.toUpperCase() }),
      () => json(429, { error: `${'y'.repeat(195)}${KEY.slice(-9)}` }),
    ];
    for (const [index, answer] of answers.entries()) {
      const detail = problemOf((await get(answer)).outcome)?.detail ?? '';
      expect(detail, `answer ${index}`).to.include('<hidden>');
      for (const fragment of fragmentsOf(KEY)) expect(detail.toLowerCase(), `answer ${index}`).not.to.include(fragment);
    }
  });

  it('really cannot send a key that is no valid header value, and does not leak it', async () => {
    const badKey = 'line\nbreak-secret';
    const client = new CoinApiClient({
      baseUrl: 'http://127.0.0.1:9',
      key: badKey,
      timeoutMs: 500,
      clock: new FixedClock(),
    });
    const outcome = await client.get('/p', new AbortController().signal);
    expect(outcome.kind).to.equal('failed');
    expect(JSON.stringify(outcome)).not.to.include('break-secret');
  });

  it('reads quota headers against the clock', async () => {
    const { outcome } = await get(() => json(200, {}, { 'X-RateLimit-Remaining': '5', 'X-RateLimit-Reset': '60' }));
    expect(outcome).to.nested.include({ 'quota.resetAt': FIXED_NOW + 60_000 });
  });
});
