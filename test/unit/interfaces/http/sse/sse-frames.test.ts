import { expect } from 'chai';
import {
  HEARTBEAT_FRAMES,
  retryFrame,
  sseFramer,
  unavailableBody,
} from '../../../../../src/interfaces/http/sse/sse-frames';
import { json, testEvent } from '../../../../support/events';

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const chunked = (sse: string): string => `${Buffer.byteLength(sse).toString(16)}\r\n${sse}\r\n`;

describe('sse-frames', () => {
  it('frames an event as one HTTP chunk of its SSE text, its data as it came', () => {
    const event = testEvent('01J', { name: 'note', data: { message: 'é' } });
    const sse = 'id: 01J\nevent: note\ndata: {"message":"é"}\n\n';
    expect(Buffer.from(sseFramer.event(event)).toString('utf8')).to.equal(chunked(sse));
  });

  it('splits data with line breaks (JSON that was sent pretty-printed) over data lines', () => {
    const event = { ...testEvent('7'), data: '{\n  "a": 1\r\n}' as ReturnType<typeof json> };
    expect(Buffer.from(sseFramer.event(event)).toString('utf8')).to.equal(
      chunked('id: 7\ndata: {\ndata:   "a": 1\ndata: }\n\n'),
    );
  });

  it('frames a control message without an id', () => {
    const sse = 'event: reset\ndata: {"reason":"history-gap","lastEventId":"x"}\n\n';
    expect(latin1(sseFramer.control('reset', json({ reason: 'history-gap', lastEventId: 'x' })))).to.equal(
      chunked(sse),
    );
  });

  it('frames the retry field', () => {
    expect(latin1(retryFrame(3000))).to.equal('d\r\nretry: 3000\n\n\r\n');
  });

  it('frames the heartbeat as a bare comment line, or as a heartbeat event with no id', () => {
    expect(latin1(HEARTBEAT_FRAMES.comment)).to.equal('2\r\n:\n\r\n');
    expect(latin1(HEARTBEAT_FRAMES.event)).to.equal(chunked('event: heartbeat\ndata: {}\n\n'));
  });

  it('writes the body of a stream turned away: retry, then an unavailable event with the reason', () => {
    expect(unavailableBody(4500, 'capacity')).to.equal(
      'retry: 4500\n\nevent: unavailable\ndata: {"reason":"capacity"}\n\n',
    );
  });
});
