import { expect } from 'chai';
import type { MessageProperties } from 'amqplib';
import { decodeEnvelope } from '../../../../src/infrastructure/bus/amqp-envelope';

const MIB = 1_048_576;
/** A message as a replica of the previous release published it: the envelope v1 in the body, no x-sse-v header. */
const v1 = (envelope: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(envelope));
const NO_HEADERS = { headers: {}, messageId: '01J0V1' } as unknown as MessageProperties;
const ENVELOPE = { v: 1, id: '01J0V1', topic: 'rates.BTC-USD', event: 'rate', data: { rate: 1.5 }, publishedAt: 1_700 };

describe('decodeEnvelope, envelope v1 (a rolling upgrade)', () => {
  it('reads what the previous release published, as a public event', () => {
    const decoded = decodeEnvelope(v1(ENVELOPE), NO_HEADERS, MIB);
    expect(decoded).to.deep.equal({
      ok: true,
      event: {
        id: '01J0V1',
        topic: 'rates.BTC-USD',
        name: 'rate',
        data: '{"rate":1.5}',
        publishedAt: 1_700,
        private: false,
      },
    });
  });

  it('drops a v1 message with a field v1 never had, instead of stripping it (a private flag would leak)', () => {
    for (const extra of [{ private: true }, { idempotencyKey: 'k' }, { colour: 'red' }]) {
      const decoded = decodeEnvelope(v1({ ...ENVELOPE, ...extra }), NO_HEADERS, MIB);
      expect(decoded.ok, JSON.stringify(extra)).to.equal(false);
    }
  });
});
