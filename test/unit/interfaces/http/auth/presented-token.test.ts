import { expect } from 'chai';
import { presentedToken as fromQuery } from '../../../../../src/interfaces/http/auth/presented-token';

const STREAM = '/api/v1/sso/stream';

/** With the query parsed from a request target as the stream handler parses it. */
const presentedToken = (headers: Parameters<typeof fromQuery>[0], target: string): ReturnType<typeof fromQuery> =>
  fromQuery(headers, new URL(target, 'http://stream').searchParams);

describe('presentedToken', () => {
  it('finds none when no place holds a token', () => {
    expect(presentedToken({}, `${STREAM}?topic=news`)).to.equal(undefined);
    expect(presentedToken({ cookie: 'theme=dark; other=1' }, STREAM)).to.equal(undefined);
  });

  it('reads Authorization: Bearer first, whatever the query and cookie hold', () => {
    const headers = { authorization: 'Bearer h.h.h', cookie: 'sse_token=c.c.c' };
    expect(presentedToken(headers, `${STREAM}?access_token=q.q.q`)).to.deep.equal({ source: 'header', token: 'h.h.h' });
  });

  it('takes the Bearer scheme in any case and with several spaces', () => {
    expect(presentedToken({ authorization: 'bearer   h.h.h' }, STREAM)).to.deep.equal({
      source: 'header',
      token: 'h.h.h',
    });
  });

  it('reads the access_token query parameter next, before the cookie', () => {
    const headers = { cookie: 'sse_token=c.c.c' };
    expect(presentedToken(headers, `${STREAM}?topic=a&access_token=q.q.q`)).to.deep.equal({
      source: 'query',
      token: 'q.q.q',
    });
  });

  it('decodes the query parameter as the stream handler does', () => {
    expect(presentedToken({}, `${STREAM}?access%5Ftoken=q%2Eq.q`)).to.deep.equal({ source: 'query', token: 'q.q.q' });
  });

  it('reads the sse_token cookie last, unquoted, the first one of its name', () => {
    expect(presentedToken({ cookie: 'a=1; sse_token=c.c.c; b=2' }, STREAM)).to.deep.equal({
      source: 'cookie',
      token: 'c.c.c',
    });
    expect(presentedToken({ cookie: 'sse_token="c.c.c"; sse_token=old' }, STREAM)).to.deep.equal({
      source: 'cookie',
      token: 'c.c.c',
    });
    expect(presentedToken({ cookie: ['x=1', 'sse_token=c.c.c'] }, STREAM)).to.deep.equal({
      source: 'cookie',
      token: 'c.c.c',
    });
  });

  describe('judges the first place present even when what it holds is empty or garbled', () => {
    const cookie = 'sse_token=c.c.c';
    const cases: [string, Record<string, string>, string, string][] = [
      ['Bearer without a token', { authorization: 'Bearer', cookie }, `${STREAM}?access_token=q.q.q`, 'header'],
      ['Bearer and spaces', { authorization: 'Bearer   ', cookie }, STREAM, 'header'],
      ['another scheme', { authorization: 'Basic dXNlcjpwdw==', cookie }, `${STREAM}?access_token=q.q.q`, 'header'],
      ['an empty Authorization header', { authorization: '', cookie }, STREAM, 'header'],
      ['an empty access_token', { cookie }, `${STREAM}?access_token=`, 'query'],
      ['access_token without =', { cookie }, `${STREAM}?access_token&topic=a`, 'query'],
      ['access_token twice', { cookie }, `${STREAM}?access_token=q.q.q&access_token=r.r.r`, 'query'],
      ['an empty cookie', { cookie: 'sse_token=' }, STREAM, 'cookie'],
    ];
    for (const [what, headers, target, source] of cases) {
      it(`${what}: an empty token from the ${source}`, () => {
        expect(presentedToken(headers, target)).to.deep.equal({ source, token: '' });
      });
    }
  });

  it('ignores an access_token after a # (not part of the query)', () => {
    expect(presentedToken({}, `${STREAM}?topic=a#access_token=q.q.q`)).to.equal(undefined);
  });

  it('ignores a cookie whose name only contains sse_token', () => {
    expect(presentedToken({ cookie: 'my_sse_token=x; sse_token_old=y' }, STREAM)).to.equal(undefined);
  });
});
