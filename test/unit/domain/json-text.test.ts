import { expect } from 'chai';
import { jsonDepth, jsonTextOf, MAX_JSON_DEPTH, parseJsonText } from '../../../src/domain/json-text';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('json-text', () => {
  describe('jsonDepth', () => {
    for (const [text, depth] of [
      ['1', 0],
      ['"x"', 0],
      ['null', 0],
      ['[]', 1],
      ['{"a":[1,{"b":[]}]}', 4],
      ['[[],[[]],[]]', 3],
    ] as const) {
      it(`counts ${text} as ${depth} deep`, () => expect(jsonDepth(text)).to.equal(depth));
    }

    it('does not count brackets inside strings, escaped quotes included', () => {
      expect(jsonDepth('"[[[{{{"')).to.equal(0);
      expect(jsonDepth('["a\\"[[[", "\\\\", ["b"]]')).to.equal(2);
    });

    it('measures text of any depth without recursion (a million levels)', () => {
      expect(jsonDepth(nested(1_000_000))).to.equal(1_000_000);
    });
  });

  describe('parseJsonText', () => {
    it('accepts well-formed JSON of up to 64 levels as it is', () => {
      expect(MAX_JSON_DEPTH).to.equal(64);
      const text = nested(64);
      expect(parseJsonText(text)).to.deep.equal({ ok: true, value: text });
      expect(parseJsonText(' {"a" : 1} ')).to.deep.equal({ ok: true, value: ' {"a" : 1} ' });
    });

    it('refuses 65 levels, and a million, as invalid-input', () => {
      for (const text of [nested(65), nested(1_000_000)]) {
        const parsed = parseJsonText(text);
        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
      }
    });

    for (const text of ['', '{', '[1,]', "{'a':1}", 'undefined', '{"a":1}}', ']]]]' + nested(10)]) {
      it(`refuses the malformed ${JSON.stringify(text)} as invalid-input`, () => {
        const parsed = parseJsonText(text);
        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-input');
      });
    }
  });

  it('jsonTextOf writes a value as JSON text', () => {
    expect(jsonTextOf({ reason: 'stream-gap' })).to.equal('{"reason":"stream-gap"}');
  });
});
