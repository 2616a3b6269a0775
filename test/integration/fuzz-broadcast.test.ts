import { expect } from 'chai';
import fc from 'fast-check';
import { expectedBroadcastStatus } from '../support/broadcast-oracle';
import { fuzzParameters, fuzzTimeout } from '../support/fuzz';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';

const BROADCAST = '/api/v1/sso/broadcast';
const MAX_BODY_BYTES = 65_536;
const PARAMETERS = fuzzParameters<[Sample]>(300);

interface Sample {
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const validName = fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/);
/** Values for `topic` and `event`: valid names, the hub's own, near misses, and values of the wrong type. */
const nearName = fc.oneof(
  { weight: 12, arbitrary: validName.map((s) => JSON.stringify(s)) },
  fc
    .constantFrom(
      'reset',
      'heartbeat',
      'auth-expiring',
      'unavailable',
      '',
      ' ',
      'a b',
      'a\nb',
      'é',
      '*',
      'x'.repeat(129),
    )
    .map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);
/** JSON text nesting `depth` arrays or objects, built as text (deep values cannot be stringified). */
const nested = fc
  .tuple(fc.oneof(fc.integer({ min: 60, max: 70 }), fc.integer({ min: 1, max: 5_000 })), fc.boolean())
  .map(([depth, objects]) =>
    objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth),
  );
/** Messages: any JSON value, deep nesting, a huge string near the body limit, unicode of every kind. */
const message = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)) },
  nested,
  fc.integer({ min: MAX_BODY_BYTES - 200, max: MAX_BODY_BYTES + 200 }).map((n) => JSON.stringify('x'.repeat(n))),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => JSON.stringify(s)),
);
/** Present, or (1 time in `absent`) left out. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, absent: number): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { freq: absent, nil: undefined });
/** Left out, or (1 time in `present`) there. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, present: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: present - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/**
 * A body close to a valid one: each field present or not, of any type, sometimes an unknown field, in any
 * order. About half are valid, so the delivery side is fuzzed as much as the refusals.
 */
const nearValid = fc
  .record({
    message: sometimes(message, 12),
    topic: sometimes(nearName, 2),
    event: sometimes(nearName, 2),
    private: sometimes(
      fc.oneof({ weight: 6, arbitrary: fc.constant('false') }, fc.constantFrom('true', '"yes"', '1', 'null')),
      2,
    ),
    extra: rarely(
      fc
        .tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`),
      10,
    ),
  })
  .chain((fields) => {
    const members = Object.entries(fields).flatMap(([key, value]) =>
      value === undefined ? [] : [key === 'extra' ? value : `"${key}":${value}`],
    );
    return fc.shuffledSubarray(members, { minLength: members.length, maxLength: members.length });
  })
  .map((members) => text(`{${members.join(',')}}`));

const sample: fc.Arbitrary<Sample> = fc.record({
  body: fc.oneof(
    { weight: 10, arbitrary: nearValid },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => text(JSON.stringify(v))) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2_048 }) },
    { weight: 1, arbitrary: nearValid.map((b) => b.subarray(0, Math.floor(b.length / 2))) },
  ),
  contentType: fc.oneof(
    { weight: 16, arbitrary: fc.constant('application/json') },
    fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', '', 'application/jsonx'),
    fc.constant(undefined),
  ),
  idempotencyKey: rarely(fc.oneof(validName, fc.string({ maxLength: 20 })), 5),
});

/** The `{"message": …}` a 202 promises for `body`, exactly as the hub writes it. */
const expectedData = (body: Uint8Array): string =>
  JSON.stringify({ message: (JSON.parse(new TextDecoder().decode(body)) as { message: unknown }).message });

describe('fuzz: POST /api/v1/sso/broadcast with arbitrary bodies', function () {
  this.timeout(fuzzTimeout(PARAMETERS.numRuns, 60));
  let service: RunningService;
  let watcher: RawSseClient;
  before(async () => {
    service = await startService({ maxBodyBytes: MAX_BODY_BYTES });
    watcher = await RawSseClient.connect(service.port, '/api/v1/sso/stream');
    await watcher.waitFor((c) => c.retry !== undefined);
  });
  after(async () => {
    watcher.close();
    await service.stop();
  });

  it(`answers as SPEC.md says (202, or a 4xx JSON error), and publishes only valid {"message": …} (${PARAMETERS.numRuns} cases)`, async () => {
    /** What each accepted id must carry: the data and event name of the first body answered with it. */
    const accepted = new Map<string, { data: string; event: string | undefined }>();
    await fc.assert(
      fc.asyncProperty(sample, async ({ body, contentType, idempotencyKey }) => {
        const headers: Record<string, string> = {};
        if (contentType !== undefined) headers['Content-Type'] = contentType;
        if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
        const response = await fetch(`${service.url}${BROADCAST}`, { method: 'POST', headers, body });
        const json = JSON.parse(await response.text()) as Record<string, unknown>;
        const expected = expectedBroadcastStatus(body, contentType, idempotencyKey, MAX_BODY_BYTES);
        expect(response.status, `${JSON.stringify(json)} for what SPEC.md answers ${expected}`).to.equal(expected);
        if (response.status === 202) {
          expect(json).to.deep.equal({ success: true, code: 202, id: json.id });
          expect(json.id).to.be.a('string');
          const event = (JSON.parse(new TextDecoder().decode(body)) as { event?: string }).event;
          if (!accepted.has(json.id as string)) accepted.set(json.id as string, { data: expectedData(body), event });
          return;
        }
        expect(response.status).to.be.within(400, 499);
        expect(json).to.deep.equal({ success: false, code: response.status, message: json.message });
        expect(json.message).to.be.a('string').and.not.equal('');
      }),
      PARAMETERS,
    );

    const marker = await fetch(`${service.url}${BROADCAST}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"message":"marker"}',
    });
    const markerId = ((await marker.json()) as { id: string }).id;
    await watcher.waitFor((c) => c.events.some((e) => e.id === markerId), 10_000, 'the marker');
    const seen = watcher.events.filter((e) => e.id !== markerId);
    expect(
      seen.map((e) => e.id),
      'every accepted event once, nothing else',
    ).to.have.members([...accepted.keys()]);
    for (const event of seen) {
      const expected = accepted.get(event.id ?? '');
      expect(event.data, `event ${event.id}`).to.equal(expected?.data);
      expect(Object.keys(JSON.parse(event.data) as object)).to.deep.equal(['message']);
      expect(event.event).to.equal(expected?.event);
    }
    expect(watcher.closed, 'the watching stream stays open').to.equal(false);
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
  });
});
