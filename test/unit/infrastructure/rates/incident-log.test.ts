import { expect } from 'chai';
import pino from 'pino';
import { IncidentLog } from '../../../../src/infrastructure/rates/incident-log';
import { FixedClock } from '../../../fakes/fixed-clock';

describe('IncidentLog', () => {
  let lines: { level: string; msg: string; repeats?: number; lastedMs?: number }[];
  let clock: FixedClock;
  let log: IncidentLog;

  beforeEach(() => {
    lines = [];
    clock = new FixedClock();
    const logger = pino(
      { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
    );
    log = new IncidentLog(logger, clock);
  });

  it('logs the start of a trouble once at its level, repeats at debug only', () => {
    log.report('k', 'error', {}, 'key rejected');
    log.report('k', 'error', {}, 'key rejected');
    log.report('k', 'error', {}, 'key rejected');
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([
      ['error', 'key rejected'],
      ['debug', 'key rejected (again)'],
      ['debug', 'key rejected (again)'],
    ]);
  });

  it('logs the end once with how long it lasted, and nothing for a trouble that was not open', () => {
    log.resolve('k', {}, 'fine again');
    log.report('k', 'warn', {}, 'broken');
    log.report('k', 'warn', {}, 'broken');
    clock.advance(1_500);
    log.resolve('k', {}, 'fine again');
    log.resolve('k', {}, 'fine again');
    expect(lines.map((l) => l.msg)).to.deep.equal(['broken', 'broken (again)', 'fine again']);
    expect(lines[2]).to.include({ level: 'info', lastedMs: 1_500, repeats: 1 });
  });

  it('keeps kinds of trouble apart', () => {
    log.report('a', 'warn', {}, 'a broke');
    log.report('b', 'warn', {}, 'b broke');
    expect(lines.map((l) => l.level)).to.deep.equal(['warn', 'warn']);
  });
});
