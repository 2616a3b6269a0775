import { expect } from 'chai';
import fc from 'fast-check';
import { fuzzParameters, fuzzTimeout } from '../support/fuzz';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { secretBytes, signToken } from '../support/jwt';
import { metric } from '../support/metric';
import { RawConnection } from '../support/raw-connection';
import { expectedStreamOutcome, lastEventIdOf, type StreamRequest } from '../support/stream-oracle';
import { eventually } from '../support/wait';

const SECRET = 'a-test-hmac-secret-of-at-least-32-bytes';
const HISTORY_SIZE = 50;
const MAX_CLIENTS = 3;
const PARAMETERS = fuzzParameters<[Sample]>(300);

interface Sample extends StreamRequest {
  /** Keep the stream open if it is served (so the hub fills up and turns some away), else close it. */
  readonly hold: boolean;
  /** Close the oldest stream held, if the hub is full. */
  readonly release: boolean;
}

const printable = fc.string({ maxLength: 40 });
/** Left out three times in four. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, arbitrary);
const validName = fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/);
const topic = fc.oneof(
  { weight: 6, arbitrary: validName },
  validName.map((n) => `${n.slice(0, 127)}*`),
  fc.constantFrom('*', '**', 'a*b', '', ' ', 'a b', 't'.repeat(129), `${'t'.repeat(128)}*`, 'é', 'news.*'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const wholeText = fc.integer({ min: -5, max: HISTORY_SIZE + 5 }).map(String);

const PUBLISH_TOKEN = 'publish-token-for-the-fuzz';
/** The tokens the hub accepts and the ids in its history, made in `before`; the fuzz also sends garbage. */
const tokens = { valid: [] as string[] };
const history = { ids: [] as string[] };
const lastEventId = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((i) => history.ids[i % history.ids.length]!) },
  fc.constantFrom('', 'unknown-id', 'x\nevent: evil\ndata: {}', '"},"reason":"forged'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const token = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((i) => tokens.valid[i % tokens.valid.length]!) },
  fc.constantFrom('', 'x', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.'),
  printable,
);

type Pair = [string, string];
const pair: fc.Arbitrary<Pair> = fc.oneof(
  fc.tuple(fc.constant('topic'), topic),
  fc.tuple(
    fc.constant('rewind'),
    fc.oneof(wholeText, fc.constantFrom('', '01', '1e2', ' 1', '99999999999'), printable),
  ),
  fc.tuple(fc.constant('latest'), fc.oneof(fc.constantFrom('1', '0', 'true', ''), printable)),
  fc.tuple(fc.constant('heartbeat'), fc.oneof(fc.constantFrom('event', 'comment', 'EVENT', ''), printable)),
  fc.tuple(fc.constant('lastEventId'), lastEventId),
  fc.tuple(fc.constant('access_token'), token),
  fc.tuple(fc.string({ maxLength: 12 }), printable),
);

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Sent as they are in the raw style: any visible ASCII but the ones that would end the value or the target. */
const RAW_OK = /[\x21-\x7e]/;
const RAW_NEVER = new Set(['#', '&', '=']);

/** `text` as UTF-8 with every byte outside `keep` percent-encoded (lone surrogates become U+FFFD, as in UTF-8). */
function percentEncode(text: string, keep: RegExp): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    const kept = byte < 0x80 && keep.test(char) && !RAW_NEVER.has(char);
    out += kept ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A query of some pairs and, now and then, many topics (the limit is 64). */
const query = fc
  .tuple(
    fc.array(pair, { maxLength: 6 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, fc.integer({ min: 60, max: 70 })),
    fc.constantFrom('encoded', 'raw'),
  )
  .map(([pairs, many, style]) => {
    const all: Pair[] = [...pairs, ...Array.from({ length: many }, (_, i): Pair => ['topic', `t${i}`])];
    const encode = (text: string): string => percentEncode(text, style === 'encoded' ? UNRESERVED : RAW_OK);
    return all.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  });

/** Header values a client can put on the wire (visible ASCII and spaces inside). */
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,60}[\x21-\x7e])?$/);
const sample: fc.Arbitrary<Sample> = fc.record({
  target: fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constant('/api/v1/sso/stream') },
        fc.constantFrom('/api/v1/sso/stream/', '/API/v1/sso/Stream'),
      ),
      fc.option(fc.oneof({ weight: 6, arbitrary: query }, fc.constantFrom('', '&', '=', '%', '%zz', '%FF%FE', '++')), {
        freq: 6,
      }),
    )
    .map(([path, q]) => (q === null ? path : `${path}?${q}`)),
  headers: fc
    .record(
      {
        Accept: fc.oneof(
          { weight: 4, arbitrary: fc.constant('text/event-stream') },
          fc.constantFrom('*/*', 'text/html', 'text/event-stream;q=0.5'),
          headerValue,
        ),
        'Last-Event-ID': fc.oneof(lastEventId, headerValue),
        Authorization: rarely(
          fc.oneof(
            token.map((t) => `Bearer ${t}`),
            fc.constantFrom('Basic dTpw', 'Bearer', 'bearer  x'),
          ),
        ),
        Cookie: rarely(
          fc.oneof(
            token.map((t) => `sse_token=${t}`),
            headerValue,
          ),
        ),
      },
      { requiredKeys: [] },
    )
    .map((headers) =>
      Object.fromEntries(
        // Only what HTTP can carry in a header value: visible ASCII, spaces inside.
        Object.entries(headers as Record<string, string | undefined>).filter(
          (e): e is [string, string] => e[1] !== undefined && /^([\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?)?$/.test(e[1]),
        ),
      ),
    ),
  hold: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true)),
  release: fc.boolean(),
});

describe('fuzz: GET /api/v1/sso/stream with arbitrary queries and headers', function () {
  this.timeout(fuzzTimeout(PARAMETERS.numRuns, 60));
  let service: RunningService;
  const held: RawConnection[] = [];
  before(async () => {
    const limits = { historySize: HISTORY_SIZE, maxClients: MAX_CLIENTS };
    service = await startService({ jwtKey: SECRET, publishToken: PUBLISH_TOKEN, ...limits });
    const key = secretBytes(SECRET);
    const exp = Math.floor(Date.now() / 1000) + 3_600;
    tokens.valid = await Promise.all([
      signToken(key, { alg: 'HS256', claims: { exp } }),
      signToken(key, { alg: 'HS256', claims: { exp, sse: { subscribe: ['news.*'] } } }),
    ]);
    for (let n = 0; n < 5; n += 1) {
      const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${PUBLISH_TOKEN}` };
      const answer = await post(`${service.url}/api/v1/sso/broadcast`, { message: n, topic: `news.${n}` }, auth);
      expect(answer.status).to.equal(202);
      history.ids.push(answer.json.id as string);
    }
  });
  after(async () => {
    held.splice(0).forEach((c) => c.destroy());
    await service.stop();
  });

  it(`answers a stream, a turn-away, or a 400/401 JSON error as SPEC.md says (${PARAMETERS.numRuns} cases)`, async () => {
    const validTokens = new Set(tokens.valid);
    await fc.assert(
      fc.asyncProperty(sample, async (request) => {
        const connection = await RawConnection.open(service.port);
        const lines = Object.entries({ Host: '127.0.0.1', ...request.headers }).map(([k, v]) => `${k}: ${v}\r\n`);
        connection.write(`GET ${request.target} HTTP/1.1\r\n${lines.join('')}\r\n`);
        const served = await judge(connection, request, expectedStreamOutcome(request, validTokens, HISTORY_SIZE));
        if (served && request.hold) held.push(connection);
        else connection.destroy();
        if (held.length >= MAX_CLIENTS && request.release) held.shift()?.destroy();
      }),
      PARAMETERS,
    );
    held.splice(0).forEach((c) => c.destroy());
    await eventually(async () => (await metric(service.url, 'sse_clients')) === 0, 'every stream to be let go');
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
  });
});

/** Checks one answer against what SPEC.md says; true when a live stream was opened. */
async function judge(connection: RawConnection, request: Sample, expected: 401 | 400 | 'served'): Promise<boolean> {
  await connection.waitFor((c) => c.ended || /\r\n\r\n[\s\S]*(retry: \d+\n|\}$)/.test(c.text), 5_000, 'an answer');
  const status = connection.statuses[0];
  const head = connection.text.slice(0, connection.text.indexOf('\r\n\r\n'));
  if (expected !== 'served') {
    expect(status, `${request.target} ${JSON.stringify(request.headers)}`).to.equal(expected);
    expect(head).to.match(/\r\ncontent-type: application\/json/i);
    expect(connection.json()).to.deep.equal({ success: false, code: expected, message: connection.json().message });
    return false;
  }
  const wantsEvents = (request.headers.Accept ?? '').includes('text/event-stream');
  if (status === 503) {
    expect(wantsEvents, 'only a client that is not EventSource is turned away with a 503').to.equal(false);
    expect(head).to.match(/\r\nretry-after: \d+\r\n/i);
    expect(connection.json()).to.include({ success: false, code: 503 });
    return false;
  }
  expect(status, `${request.target} ${JSON.stringify(request.headers)}`).to.equal(200);
  expect(head).to.match(/\r\ncontent-type: text\/event-stream/i);
  await connection.waitFor((c) => /retry: \d+\n/.test(c.text), 5_000, 'the retry line');
  if (!connection.text.includes('event: unavailable')) {
    await expectWellFormed(connection, request);
    return true;
  }
  expect(wantsEvents, 'a turn-away with 200 is for EventSource only').to.equal(true);
  await connection.waitFor((c) => c.ended, 5_000, 'the turn-away to end');
  expect(connection.text).to.include('data: {"reason":"capacity"}');
  return false;
}

/**
 * A stream's events so far are well formed whatever the query said: JSON data, no name but the hub's own
 * (the history holds none), and a resume from an id the history lacks starts with `reset` naming that id.
 */
async function expectWellFormed(connection: RawConnection, request: Sample): Promise<void> {
  const asked = lastEventIdOf(request);
  if (asked !== undefined && !history.ids.includes(asked)) {
    await connection.waitFor((c) => sseEvents(c.text).some((e) => e.event === 'reset'), 5_000, 'the reset event');
    const reset = sseEvents(connection.text).find((e) => e.event === 'reset');
    expect(JSON.parse(reset?.data ?? '')).to.deep.equal({ reason: 'history-gap', lastEventId: asked });
  }
  for (const event of sseEvents(connection.text)) {
    expect(() => JSON.parse(event.data) as unknown, event.data).not.to.throw();
    expect([undefined, 'reset', 'heartbeat']).to.include(event.event);
  }
}

/** The complete events in a raw HTTP response: the body de-chunked, decoded as UTF-8, split into fields. */
function sseEvents(raw: string): { event: string | undefined; data: string }[] {
  const end = raw.indexOf('\r\n\r\n');
  let body = raw.slice(end + 4);
  if (/\r\ntransfer-encoding: chunked/i.test(raw.slice(0, end))) {
    let plain = '';
    for (let at = 0; ;) {
      const line = body.indexOf('\r\n', at);
      const size = line < 0 ? NaN : parseInt(body.slice(at, line), 16);
      if (!(size > 0) || body.length < line + 2 + size) break;
      plain += body.slice(line + 2, line + 2 + size);
      at = line + 2 + size + 2;
    }
    body = plain;
  }
  const text = Buffer.from(body, 'latin1').toString('utf8');
  return text
    .split('\n\n')
    .slice(0, -1)
    .map((block) => block.split('\n'))
    .filter((lines) => lines.some((l) => l.startsWith('data:')))
    .map((lines) => ({
      event: lines.find((l) => l.startsWith('event: '))?.slice(7),
      data: lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n'),
    }));
}
