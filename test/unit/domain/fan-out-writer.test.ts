import { expect } from 'chai';
import { writeEachSink } from '../../../src/domain/fan-out-writer';
import { joinFrames } from '../../../src/domain/frames';
import { Subscriber } from '../../../src/domain/subscriber';
import type { Delivery } from '../../../src/domain/subscription';
import { RecordingSink } from '../../fakes/recording-sink';
import { audience } from './broker-kit';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('writeEachSink', () => {
  it('writes the frame to every live sink, counts those that took it whole and reports the others', () => {
    const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    sinks[1]!.accepts = 2;
    sinks[2]!.close('shutdown');
    const subscribers = sinks.map((sink) => new Subscriber(audience(), sink));
    const short: [Subscriber, Delivery][] = [];
    const frame = bytes('e1 {}|');
    const sent = writeEachSink(frame, [new Set(subscribers.slice(0, 2)), new Set(subscribers.slice(2))], (s, d) =>
      short.push([s, d]),
    );
    expect(sent).to.equal(1);
    expect(short).to.deep.equal([
      [subscribers[1], 'queued'],
      [subscribers[2], 'closed'],
    ]);
    expect(sinks[0]!.rawFrames[0]).to.equal(frame);
  });
});

describe('joinFrames', () => {
  it('puts frames back to back in one, and hands a single frame back as it is', () => {
    const one = bytes('a|');
    expect(joinFrames([one])).to.equal(one);
    expect(new TextDecoder().decode(joinFrames([one, bytes('bc|'), bytes('')]))).to.equal('a|bc|');
  });
});
