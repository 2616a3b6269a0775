import { expect } from 'chai';
import type { EventId, EventName, StreamEvent } from '../../../../../src/domain/stream-event';
import type { Topic } from '../../../../../src/domain/topic';
import {
  eventFrame,
  HEARTBEAT_FRAME,
  RESET_FRAME,
  retryFrame,
} from '../../../../../src/interfaces/http/sse/sse-frames';

const latin1 = (b: Buffer): string => b.toString('latin1');

describe('sse-frames', () => {
  it('frames an event as one HTTP chunk of its SSE text', () => {
    const event: StreamEvent = {
      id: '01J' as EventId,
      topic: 'broadcast' as Topic,
      name: 'note' as EventName,
      data: { message: 'é' },
      publishedAt: 0,
    };
    const sse = 'id: 01J\nevent: note\ndata: {"message":"é"}\n\n';
    expect(eventFrame(event).toString('utf8')).to.equal(`${Buffer.byteLength(sse).toString(16)}\r\n${sse}\r\n`);
  });

  it('frames the retry field', () => {
    expect(latin1(retryFrame(3000))).to.equal('d\r\nretry: 3000\n\n\r\n');
  });

  it('frames the heartbeat as a bare comment line', () => {
    expect(latin1(HEARTBEAT_FRAME)).to.equal('2\r\n:\n\r\n');
  });

  it('frames the reset as an id-less reset event saying history-gap', () => {
    const sse = 'event: reset\ndata: {"reason":"history-gap"}\n\n';
    expect(latin1(RESET_FRAME)).to.equal(`${sse.length.toString(16)}\r\n${sse}\r\n`);
  });
});
