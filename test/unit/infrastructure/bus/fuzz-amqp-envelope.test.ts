import type { MessageProperties } from 'amqplib';
import { expect } from 'chai';
import fc from 'fast-check';
import { decodeEnvelope, encodeEnvelope } from '../../../../src/infrastructure/bus/amqp-envelope';
import type { EventId, EventName, IdempotencyKey, JsonText, StreamEvent } from '../../../../src/domain/stream-event';
import type { Topic } from '../../../../src/domain/topic';
import { fuzzParameters } from '../../../support/fuzz';
import { deeperThan } from '../../../support/json-depth';

const NAME = /^[A-Za-z0-9._:-]{1,128}$/;
const HUB_EVENTS = new Set(['reset', 'heartbeat', 'auth-expiring', 'unavailable']);
const KNOWN = ['x-sse-v', 'x-sse-topic', 'x-sse-event', 'x-sse-private', 'x-sse-key', 'x-sse-published-at'];
const MIB = 1 << 20;

const validName = fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/);
const eventName = validName.filter((n) => !HUB_EVENTS.has(n));
/** JSON text nesting `depth` levels, built as text. */
const nestedText = fc
  .integer({ min: 1, max: 5_000 })
  .chain((depth) =>
    fc.constantFrom('['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '0' + '}'.repeat(depth)),
  );

/** Whatever AMQP can carry in a header (amqplib gives tables as objects, byte arrays as Buffers). */
const headerValue = fc.oneof(
  { weight: 3, arbitrary: validName },
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    2,
    1,
    3,
    '2',
    true,
    false,
    'true',
    -1,
    0,
    1.5,
    NaN,
    Infinity,
    -0,
    Date.now(),
    2 ** 53,
    undefined,
    null,
  ),
  fc.bigInt(),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  validName.map((n) => Buffer.from(n)),
  fc.date({ noInvalidDate: true }),
);
const validV2 = { 'x-sse-v': 2, 'x-sse-topic': 'news', 'x-sse-private': false, 'x-sse-published-at': 1 };
const headers = fc.oneof(
  fc.constant(undefined),
  fc.constant(validV2),
  fc.dictionary(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...KNOWN) },
      fc.string({ maxLength: 12 }),
      fc.string().map((s) => `x-sse-${s}`),
    ),
    headerValue,
    { maxKeys: 8 },
  ),
  // A valid v2 header set with one value changed or one header added.
  fc
    .tuple(fc.constantFrom(...KNOWN, 'x-sse-colour', 'x-other'), headerValue)
    .map(([key, value]) => ({ ...validV2, [key]: value })),
);
/** Mostly `valid`, now and then `invalid`. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalid });
/** The envelope of the previous release (a JSON object holding the data), mostly valid. */
const v1Envelope = fc
  .record(
    {
      v: mostly(fc.constant(1), fc.constantFrom(2, '1', null)),
      id: mostly(validName, fc.string()),
      topic: mostly(validName, fc.string()),
      event: mostly(eventName, fc.constantFrom('reset', 'a b', '')),
      data: mostly(
        fc.jsonValue(),
        nestedText.map((t) => JSON.parse(t) as unknown),
      ),
      publishedAt: mostly(fc.nat(), fc.double()),
      extra: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: ['v', 'id', 'topic', 'data', 'publishedAt'] },
  )
  .map((envelope) => {
    try {
      return JSON.stringify(envelope);
    } catch {
      return '{"v":1}'; // data too deep for JSON.stringify
    }
  });
const content = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.jsonValue().map((v) => Buffer.from(`\uFEFF \n${JSON.stringify(v)}\r\n`)),
  nestedText.map((t) => Buffer.from(t)),
  v1Envelope.map((t) => Buffer.from(t)),
  fc.string({ unit: 'binary', maxLength: 100 }).map((s) => Buffer.from(JSON.stringify(s))),
);
const messageId = fc.oneof({ weight: 4, arbitrary: validName }, fc.string(), fc.constant(undefined), fc.integer());
const maxBytes = fc.oneof({ weight: 4, arbitrary: fc.constant(MIB) }, fc.integer({ min: 0, max: 600 }));

const properties = (h: Record<string, unknown> | undefined, id: unknown): MessageProperties =>
  ({ headers: h, messageId: id }) as unknown as MessageProperties;

/** What every event the decoder lets in must be, whatever it was given. */
function expectValidEvent(event: StreamEvent): void {
  expect(event.id).to.match(NAME);
  expect(event.topic).to.match(NAME);
  if (event.name !== undefined) {
    expect(event.name).to.match(NAME);
    expect(HUB_EVENTS.has(event.name), `event name ${event.name}`).to.equal(false);
  }
  if (event.idempotencyKey !== undefined) expect(event.idempotencyKey).to.match(NAME);
  expect(event.private).to.be.a('boolean');
  expect(Number.isSafeInteger(event.publishedAt) && event.publishedAt >= 0, `${event.publishedAt}`).to.equal(true);
  expect(event.data).to.be.a('string');
  const data: unknown = JSON.parse(event.data);
  expect(deeperThan(data, 64), 'data nests at most 64 levels').to.equal(false);
}

describe('decodeEnvelope (fuzz)', () => {
  it('never throws, and what it accepts is a valid event within the size bound', () => {
    fc.assert(
      fc.property(content, headers, messageId, maxBytes, (body, h, id, max) => {
        const decoded = decodeEnvelope(body, properties(h, id), max);
        if (!decoded.ok) {
          expect(decoded.reason).to.be.a('string').and.not.equal('');
          return;
        }
        expect(body.length).to.be.at.most(max);
        expectValidEvent(decoded.event);
      }),
      fuzzParameters(3_000),
    );
  });

  it('gives back every valid event it encoded, unchanged', () => {
    const event: fc.Arbitrary<StreamEvent> = fc.record({
      id: validName.map((s) => s as EventId),
      topic: validName.map((s) => s as Topic),
      name: fc.option(
        eventName.map((s) => s as EventName),
        { nil: undefined },
      ),
      data: fc.jsonValue().map((v) => JSON.stringify(v) as JsonText),
      publishedAt: fc.maxSafeNat(),
      private: fc.boolean(),
      idempotencyKey: fc.option(
        validName.map((s) => s as IdempotencyKey),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(event, (e) => {
        const { content: body, options } = encodeEnvelope(e);
        const decoded = decodeEnvelope(
          body,
          properties(options.headers as Record<string, unknown>, options.messageId),
          MIB,
        );
        // Absent optional fields come back absent, not as keys holding undefined.
        const expected = Object.fromEntries(Object.entries(e).filter(([, value]) => value !== undefined));
        expect(decoded).to.deep.equal({ ok: true, event: expected });
      }),
      fuzzParameters(1_000),
    );
  });

  it('drops a valid event that carries any x-sse- header it does not know', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), headerValue, (suffix, value) => {
        fc.pre(!KNOWN.includes(`x-sse-${suffix}`));
        const { content: body, options } = encodeEnvelope({
          id: 'id-1' as EventId,
          topic: 'news' as Topic,
          data: '{}' as JsonText,
          publishedAt: 1,
          private: true,
        });
        const tampered = { ...(options.headers as Record<string, unknown>), [`x-sse-${suffix}`]: value };
        expect(decodeEnvelope(body, properties(tampered, options.messageId), MIB).ok).to.equal(false);
      }),
      fuzzParameters(500),
    );
  });
});
