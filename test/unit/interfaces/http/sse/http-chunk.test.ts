import { expect } from 'chai';
import { chunk, LAST_CHUNK, unchunk } from '../../../../../src/interfaces/http/sse/http-chunk';

describe('http-chunk', () => {
  describe('chunk', () => {
    it('frames text as hex size, CRLF, the bytes, CRLF', () => {
      expect(chunk('hello').toString('latin1')).to.equal('5\r\nhello\r\n');
    });

    it('writes the size in lower-case hex', () => {
      const text = 'x'.repeat(26);
      expect(chunk(text).toString('latin1')).to.equal(`1a\r\n${text}\r\n`);
      expect(chunk('y'.repeat(4096)).subarray(0, 6).toString('latin1')).to.equal('1000\r\n');
    });

    it('counts bytes, not characters, for multi-byte UTF-8', () => {
      const text = 'é€😀'; // 2 + 3 + 4 bytes
      const framed = chunk(text);
      expect(framed.subarray(0, 3).toString('latin1')).to.equal('9\r\n');
      expect(framed.subarray(3, 12).toString('utf8')).to.equal(text);
      expect(framed.subarray(12).toString('latin1')).to.equal('\r\n');
      expect(framed.length).to.equal(14);
    });

    it('returns a Buffer', () => {
      expect(Buffer.isBuffer(chunk('a'))).to.equal(true);
    });
  });

  describe('unchunk', () => {
    for (const text of ['hello', 'id: 1\ndata: {"a":"b\\nc"}\n\n', 'é€😀', 'x'.repeat(70_000)]) {
      it(`gives back the bytes of a ${text.length}-character chunk`, () => {
        expect(Buffer.from(unchunk(chunk(text))).toString('utf8')).to.equal(text);
      });
    }

    it('gives back the bytes of every chunk of a joined frame (a batch or a replay)', () => {
      const joined = Buffer.concat([
        chunk('id: 1\ndata: 1\n\n'),
        chunk('id: 2\ndata: "é"\n\n'),
        chunk('x'.repeat(300)),
      ]);
      expect(Buffer.from(unchunk(joined)).toString('utf8')).to.equal(
        `id: 1\ndata: 1\n\nid: 2\ndata: "é"\n\n${'x'.repeat(300)}`,
      );
    });

    it('returns a view into the chunk, not a copy', () => {
      const framed = chunk('abc');
      const inner = unchunk(framed);
      expect(inner.buffer).to.equal(framed.buffer);
      expect(inner.byteOffset).to.equal(framed.byteOffset + 3);
    });
  });

  describe('LAST_CHUNK', () => {
    it('is the zero-length chunk that ends a chunked body', () => {
      expect(LAST_CHUNK.toString('latin1')).to.equal('0\r\n\r\n');
    });
  });
});
