import { expect } from 'chai';
import { parseStart, type StartQuery } from '../../../src/application/replay-start';

const refused = (query: StartQuery, historySize = 1000): string => {
  const parsed = parseStart(query, historySize);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(query)} to be refused`);
  expect(parsed.error.code).to.equal('invalid-input');
  return parsed.error.message;
};

describe('parseStart', () => {
  it('starts live without any start parameter, or with an empty Last-Event-ID', () => {
    expect(parseStart({}, 1000)).to.deep.equal({ ok: true, value: { kind: 'live' } });
    expect(parseStart({ lastEventId: '' }, 1000)).to.deep.equal({ ok: true, value: { kind: 'live' } });
  });

  it('starts after the Last-Event-ID, ignoring rewind and latest (even invalid ones) beside it', () => {
    const after = { ok: true, value: { kind: 'after', id: '01J9' } };
    expect(parseStart({ lastEventId: '01J9' }, 1000)).to.deep.equal(after);
    expect(parseStart({ lastEventId: '01J9', rewind: '5', latest: '1' }, 1000)).to.deep.equal(after);
    expect(parseStart({ lastEventId: '01J9', rewind: 'lots' }, 1000)).to.deep.equal(after);
  });

  it('lets an empty Last-Event-ID fall through to rewind or latest', () => {
    expect(parseStart({ lastEventId: '', rewind: '3' }, 1000)).to.deep.equal({
      ok: true,
      value: { kind: 'rewind', count: 3 },
    });
  });

  it('rewinds from 1 to HISTORY_SIZE events', () => {
    expect(parseStart({ rewind: '1' }, 1000)).to.deep.equal({ ok: true, value: { kind: 'rewind', count: 1 } });
    expect(parseStart({ rewind: '1000' }, 1000)).to.deep.equal({ ok: true, value: { kind: 'rewind', count: 1000 } });
  });

  for (const rewind of ['0', '1001', '-1', '1.5', '01', ' 2', '2 ', '1e2', '', 'abc', '99999999999999999999']) {
    it(`refuses rewind=${JSON.stringify(rewind)} with HISTORY_SIZE=1000`, () => {
      expect(refused({ rewind })).to.include('1 to 1000');
    });
  }

  it('refuses any rewind with HISTORY_SIZE=0, saying replay is not available', () => {
    expect(refused({ rewind: '1' }, 0)).to.include('HISTORY_SIZE=0');
  });

  it('starts with the latest event of each topic for latest=1, and refuses any other value', () => {
    expect(parseStart({ latest: '1' }, 1000)).to.deep.equal({ ok: true, value: { kind: 'latest' } });
    for (const latest of ['0', 'true', '', '2', '01']) refused({ latest });
  });

  it('refuses rewind and latest together', () => {
    expect(refused({ rewind: '2', latest: '1' })).to.include('rewind and latest');
  });
});
