import { expect } from 'chai';
import {
  resolveStreamOptions,
  segmentBytesFor,
  streamArguments,
} from '../../../../src/infrastructure/bus/stream-options';

const MIB = 1_048_576;
const base = { name: 's', maxAgeSeconds: 86_400, maxBytes: 1_073_741_824, historySize: 1_000 };

describe('stream options', () => {
  it('declares the stream with its age, byte limit and a segment size retention can work with', () => {
    expect(streamArguments(resolveStreamOptions(base))).to.deep.equal({
      'x-queue-type': 'stream',
      'x-max-age': '86400s',
      'x-max-length-bytes': 1_073_741_824,
      'x-stream-max-segment-size-bytes': 16 * MIB,
    });
  });

  it('sizes segments at a tenth of the byte limit, between 64 KiB and 16 MiB', () => {
    expect(segmentBytesFor(100 * MIB)).to.equal(10 * MIB);
    expect(segmentBytesFor(10 * 1024 * MIB)).to.equal(16 * MIB);
    expect(segmentBytesFor(1)).to.equal(64 * 1024);
  });

  it('declares an initial cluster size only above 1', () => {
    expect(streamArguments(resolveStreamOptions({ ...base, initialClusterSize: 1 }))).not.to.have.property(
      'x-initial-cluster-size',
    );
    expect(streamArguments(resolveStreamOptions({ ...base, initialClusterSize: 3 }))).to.include({
      'x-initial-cluster-size': 3,
    });
  });

  it('fills the defaults: a 10-minute window, a 60 s clock margin, 16 reads of at most 100,000 events or 64 MiB', () => {
    const resolved = resolveStreamOptions(base);
    expect(resolved).to.include({ historyWindowMs: 600_000, clockMarginMs: 60_000, offsetIndexSize: 100_000 });
    expect(resolved.replay).to.include({ maxReads: 16, maxEvents: 100_000, maxScanBytes: 64 * MIB });
  });
});
