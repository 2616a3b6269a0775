import { expect } from 'chai';
import pino from 'pino';
import { brokerReport } from '../../../../src/infrastructure/metrics/broker-report';
import { Metrics } from '../../../../src/infrastructure/metrics/metrics';

describe('brokerReport', () => {
  it('counts each failure by stage and logs it once, with the error', async () => {
    const lines: string[] = [];
    const metrics = new Metrics();
    const report = brokerReport(metrics, pino({}, { write: (line: string) => void lines.push(line) }));
    report.failed('encode', new Error('encode bug (fake)'));
    report.failed('timer', new Error('timer bug (fake)'));
    const { body } = await metrics.exposition();
    expect(body).to.include('sse_fanout_failures_total{stage="encode"} 1');
    expect(body).to.include('sse_fanout_failures_total{stage="timer"} 1');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include('encode bug (fake)').and.to.include('"stage":"encode"');
    expect(lines[1]).to.include('timer bug (fake)').and.to.include('a timed step');
  });
});
