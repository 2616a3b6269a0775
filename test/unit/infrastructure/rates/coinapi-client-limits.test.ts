import { expect } from 'chai';
import type { FetchOutcome } from '../../../../src/infrastructure/rates/coinapi-answer';
import { CoinApiClient, MAX_BODY_BYTES } from '../../../../src/infrastructure/rates/coinapi-client';
import { ManualTime } from './manual-time';

const KEY = 'limits-secret-key-4242';
const DEADLINE_MS = 800;
const CHUNK = 64 * 1024;

/** A body that records how much was pulled from it and whether it was cancelled. */
interface Body {
  readonly stream: ReadableStream<Uint8Array>;
  readonly pulled: () => number;
  readonly cancelled: () => boolean;
}

/** A body of `next()` chunks pulled one at a time; `next` returning a promise that never settles: a body that stalls. */
function bodyOf(next: () => Uint8Array | null | Promise<Uint8Array | null>): Body {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await next();
        if (cancelled) return;
        if (chunk === null) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

/** `total` bytes of spaces in 64 KiB chunks, made as they are pulled (never held whole). */
const hugeBody = (total: number): Body => {
  let left = total;
  return bodyOf(() => {
    if (left <= 0) return null;
    const n = Math.min(CHUNK, left);
    left -= n;
    return new Uint8Array(n).fill(0x20);
  });
};

const never = (): Promise<never> => new Promise<never>(() => undefined);

/** A fetch that answers with `respond`, or, without one, waits for the abort like a server that never answers. */
const fetchAnswering =
  (respond?: () => Response): typeof fetch =>
  (_input, init) =>
    respond !== undefined
      ? Promise.resolve(respond())
      : new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });

function clientWith(fetchFn: typeof fetch): { client: CoinApiClient; time: ManualTime } {
  const time = new ManualTime();
  const client = new CoinApiClient({
    baseUrl: 'https://rest.example',
    key: KEY,
    timeoutMs: DEADLINE_MS,
    clock: time,
    timer: time,
    fetch: fetchFn,
  });
  return { client, time };
}

/** Starts a request and keeps its outcome once it comes. */
function track(client: CoinApiClient, stop = new AbortController().signal) {
  const seen: { outcome?: FetchOutcome } = {};
  const done = client.get('/v1/exchangerate/BTC/USD', stop).then((outcome) => (seen.outcome = outcome));
  return { seen, done };
}

const codeOf = (outcome: FetchOutcome | undefined) =>
  outcome !== undefined && 'problem' in outcome ? outcome.problem.code : outcome?.kind;

describe('CoinApiClient deadline and body cap', () => {
  it('ends a request whose headers never come at its deadline, not before', async () => {
    const { client, time } = clientWith(fetchAnswering());
    const { seen, done } = track(client);
    await time.advance(DEADLINE_MS - 1);
    expect(seen.outcome, 'before the deadline').to.equal(undefined);
    await time.advance(1);
    await done;
    expect(seen.outcome).to.deep.equal({
      kind: 'failed',
      problem: { code: 'timeout', detail: `no complete answer within ${DEADLINE_MS} ms` },
      quota: undefined,
    });
  });

  it('ends a body that trickles at the deadline of the whole request', async () => {
    const clock: { time?: ManualTime } = {};
    const oneByteEvery10Ms = (): Promise<Uint8Array> =>
      new Promise((resolve) => clock.time?.set(() => resolve(new Uint8Array([0x20])), 10));
    const body = bodyOf(oneByteEvery10Ms);
    const { client, time } = clientWith(fetchAnswering(() => new Response(body.stream, { status: 200 })));
    clock.time = time;
    const { seen, done } = track(client);
    await time.advance(DEADLINE_MS - 1);
    expect(seen.outcome, 'before the deadline').to.equal(undefined);
    expect(body.pulled(), 'bytes trickled in').to.be.greaterThan(10);
    await time.advance(1);
    await done;
    expect(codeOf(seen.outcome)).to.equal('timeout');
    expect(body.cancelled()).to.equal(true);
  });

  it('ends a body that never ends at the deadline, and cancels it', async () => {
    let first = true;
    const body = bodyOf(() => (first ? ((first = false), new Uint8Array([0x7b])) : never()));
    const { client, time } = clientWith(fetchAnswering(() => new Response(body.stream, { status: 200 })));
    const { seen, done } = track(client);
    await time.advance(DEADLINE_MS);
    await done;
    expect(codeOf(seen.outcome)).to.equal('timeout');
    expect(body.cancelled()).to.equal(true);
  });

  it('clears its deadline once the answer is in', async () => {
    const { client, time } = clientWith(fetchAnswering(() => Response.json({ rate: 1 })));
    const { seen, done } = track(client);
    await done;
    expect(seen.outcome).to.include({ kind: 'ok' });
    expect(time.waiting).to.deep.equal([]);
  });

  it('answers stopped when stopped while the body is read', async () => {
    const body = bodyOf(never);
    const { client, time } = clientWith(fetchAnswering(() => new Response(body.stream, { status: 200 })));
    const stop = new AbortController();
    const { seen, done } = track(client, stop.signal);
    await time.advance(10);
    stop.abort();
    await done;
    expect(seen.outcome).to.deep.equal({ kind: 'stopped' });
    expect(time.waiting, 'the deadline is cleared').to.deep.equal([]);
  });

  it('refuses at once a 2xx answer whose Content-Length is over 1 MiB, reading none of it', async () => {
    const body = hugeBody(50_000_000);
    const headers = { 'Content-Length': '50000000', 'X-RateLimit-Remaining': '7' };
    const { client } = clientWith(fetchAnswering(() => new Response(body.stream, { status: 200, headers })));
    const outcome = await client.get('/p', new AbortController().signal);
    expect(outcome).to.deep.equal({
      kind: 'failed',
      problem: { code: 'too-large', detail: `Content-Length 50000000 is over ${MAX_BODY_BYTES} bytes; not read` },
      quota: { remaining: 7 },
    });
    expect(body.pulled()).to.equal(0);
    expect(body.cancelled()).to.equal(true);
  });

  it('stops reading a 2xx body without Content-Length as soon as it passes 1 MiB, and refuses it', async () => {
    const body = hugeBody(50_000_000);
    const { client } = clientWith(fetchAnswering(() => new Response(body.stream, { status: 200 })));
    const outcome = await client.get('/p', new AbortController().signal);
    expect(codeOf(outcome)).to.equal('too-large');
    expect(body.pulled())
      .to.be.above(MAX_BODY_BYTES)
      .and.at.most(MAX_BODY_BYTES + CHUNK);
    expect(body.cancelled()).to.equal(true);
  });

  it('reads a body of exactly 1 MiB', async () => {
    const text = `{"rate":1,"pad":"${' '.repeat(MAX_BODY_BYTES - 19)}"}`;
    expect(Buffer.byteLength(text)).to.equal(MAX_BODY_BYTES);
    const { client } = clientWith(fetchAnswering(() => new Response(text, { status: 200 })));
    const outcome = await client.get('/p', new AbortController().signal);
    expect(outcome).to.nested.include({ kind: 'ok', 'body.rate': 1 });
  });

  it('reads only the start of an error answer, however long, and sorts it by its status', async () => {
    const body = hugeBody(50_000_000);
    const { client } = clientWith(fetchAnswering(() => new Response(body.stream, { status: 503 })));
    const outcome = await client.get('/p', new AbortController().signal);
    expect(codeOf(outcome)).to.equal('http-5xx');
    expect(body.pulled()).to.be.at.most(CHUNK);
    expect(body.cancelled()).to.equal(true);
  });
});
