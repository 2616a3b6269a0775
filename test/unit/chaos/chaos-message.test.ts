import { expect } from 'chai';
import { chaosBody, idempotencyKey, sequenceOf } from '../../../test/chaos/chaos-message';

/** The data the hub sends for a broadcast: `{"message": <the message>}`. */
const dataOf = (run: string, seq: number): string => JSON.stringify({ message: chaosBody(run, seq).message });

describe('chaos messages', () => {
  it('reads back the sequence number of an event of this run', () => {
    expect(sequenceOf(dataOf('run-a', 17), 'run-a')).to.equal(17);
  });

  it('ignores events of another run, and data that is not such an event', () => {
    expect(sequenceOf(dataOf('run-b', 17), 'run-a')).to.equal(undefined);
    for (const data of ['not json', 'null', '5', '{"message":null}', '{"message":{"run":"run-a","seq":"1"}}']) {
      expect(sequenceOf(data, 'run-a'), data).to.equal(undefined);
    }
  });

  it('makes one Idempotency-Key per event that SPEC.md allows (1-128 of A-Za-z0-9._:-)', () => {
    const run = `chaos-stream-${2 ** 22}-${Date.now().toString(36)}`;
    const keys = [0, 1, 10, 11].map((seq) => idempotencyKey(run, seq));
    expect(new Set(keys).size).to.equal(4);
    for (const key of keys) expect(key).to.match(/^[A-Za-z0-9._:-]{1,128}$/);
  });
});
