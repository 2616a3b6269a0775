import { expect } from 'chai';
import type { EventId, EventName } from '../../../../../src/domain/stream-event';
import { json } from '../../../../support/events';
import {
  encodeComment,
  encodeControl,
  encodeData,
  encodeEvent,
  encodeRetry,
} from '../../../../../src/interfaces/http/sse/sse-encoder';

const id = (raw: string): EventId => raw as EventId;

/** Parses SSE text as a browser would: every line's field name, in order. */
const fieldsOf = (text: string): string[] =>
  text
    .split(/\r\n|\r|\n/)
    .filter((line) => line !== '')
    .map((line) => (line.startsWith(':') ? ':' : line.slice(0, line.includes(':') ? line.indexOf(':') : undefined)));

describe('sse-encoder', () => {
  describe('encodeEvent', () => {
    it('writes the id line, one data line of JSON and a blank line', () => {
      expect(encodeEvent({ id: id('01J0'), data: json({ message: 'hi' }) })).to.equal(
        'id: 01J0\ndata: {"message":"hi"}\n\n',
      );
    });

    it('writes an event line only when the event is named', () => {
      expect(encodeEvent({ id: id('7'), name: 'price' as EventName, data: json(1) })).to.equal(
        'id: 7\nevent: price\ndata: 1\n\n',
      );
      expect(encodeEvent({ id: id('7'), name: undefined, data: json(1) })).not.to.include('event:');
    });

    it('encodes null, strings, arrays and nested objects as JSON', () => {
      expect(encodeEvent({ id: id('1'), data: json(null) })).to.equal('id: 1\ndata: null\n\n');
      expect(encodeEvent({ id: id('1'), data: json('x') })).to.equal('id: 1\ndata: "x"\n\n');
      expect(encodeEvent({ id: id('1'), data: json([1, { a: [] }]) })).to.equal('id: 1\ndata: [1,{"a":[]}]\n\n');
    });

    it('keeps strings with line breaks on one escaped data line, so nothing can be injected', () => {
      const evil = 'x\n\nid: 666\r\nevent: hijack\rdata: y\n';
      const text = encodeEvent({ id: id('1'), data: json({ message: evil }) });
      expect(text).to.equal(`id: 1\ndata: {"message":${JSON.stringify(evil)}}\n\n`);
      expect(fieldsOf(text)).to.deep.equal(['id', 'data']);
      expect(text.match(/\n/g)).to.have.length(3);
      expect(text).not.to.include('\r');
    });

    it('leaves other Unicode line separators inside the data line', () => {
      const text = encodeEvent({ id: id('1'), data: json('a\u2028b\u2029c\u0085d') });
      expect(fieldsOf(text)).to.deep.equal(['id', 'data']);
    });
  });

  describe('encodeData', () => {
    it('writes a single line as one data line', () => {
      expect(encodeData('hello')).to.equal('data: hello\n');
    });

    it('splits on \\r\\n, \\r and \\n into data lines', () => {
      expect(encodeData('a\r\nb\rc\nd')).to.equal('data: a\ndata: b\ndata: c\ndata: d\n');
    });

    it('keeps empty lines as empty data lines', () => {
      expect(encodeData('a\n\nb')).to.equal('data: a\ndata: \ndata: b\n');
      expect(encodeData('')).to.equal('data: \n');
      expect(encodeData('\r\n')).to.equal('data: \ndata: \n');
    });

    it('treats \\n\\r as two line breaks', () => {
      expect(encodeData('a\n\rb')).to.equal('data: a\ndata: \ndata: b\n');
    });
  });

  describe('encodeControl', () => {
    it('writes a named event without an id line', () => {
      expect(encodeControl('reset', json({ reason: 'history-gap' }))).to.equal(
        'event: reset\ndata: {"reason":"history-gap"}\n\n',
      );
    });
  });

  describe('encodeRetry', () => {
    it('writes the retry field and ends the block', () => {
      expect(encodeRetry(3000)).to.equal('retry: 3000\n\n');
      expect(encodeRetry(0)).to.equal('retry: 0\n\n');
    });
  });

  describe('encodeComment', () => {
    it('writes a bare colon line by default', () => {
      expect(encodeComment()).to.equal(':\n');
    });

    it('writes the text after a colon and a space', () => {
      expect(encodeComment('keep-alive')).to.equal(': keep-alive\n');
    });

    it('keeps a comment on one line whatever line breaks its text holds', () => {
      expect(encodeComment('a\nb')).to.equal(': a b\n');
      expect(encodeComment('a\r\nb\rc\nd')).to.equal(': a b c d\n');
      expect(fieldsOf(encodeComment('x\ndata: injected\nid: 9'))).to.deep.equal([':']);
    });
  });
});
