import { expect } from 'chai';
import { redactAccessToken } from '../../../../../src/interfaces/http/auth/redact-access-token';

const STREAM = '/api/v1/sso/stream';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzc2UiOnt9fQ.c2lnbmF0dXJl';

describe('redactAccessToken', () => {
  it('hides the value of access_token and keeps the rest of the target', () => {
    expect(redactAccessToken(`${STREAM}?topic=news.*&access_token=${TOKEN}&rewind=5`)).to.equal(
      `${STREAM}?topic=news.*&access_token=<hidden>&rewind=5`,
    );
  });

  it('works on an absolute URL and on a token that comes first or last', () => {
    expect(redactAccessToken(`https://hub.example${STREAM}?access_token=${TOKEN}`)).to.equal(
      `https://hub.example${STREAM}?access_token=<hidden>`,
    );
  });

  it('hides every occurrence, under any case, and under a percent-encoded name', () => {
    const target = `${STREAM}?access_token=${TOKEN}&Access_Token=${TOKEN}&access%5Ftoken=${TOKEN}&%61ccess_token=${TOKEN}`;
    const redacted = redactAccessToken(target);
    expect(redacted).not.to.include(TOKEN);
    expect(redacted).to.equal(
      `${STREAM}?access_token=<hidden>&Access_Token=<hidden>&access%5Ftoken=<hidden>&%61ccess_token=<hidden>`,
    );
  });

  it('hides a token in a fragment written like a query', () => {
    expect(redactAccessToken(`${STREAM}?topic=a#access_token=${TOKEN}`)).to.equal(
      `${STREAM}?topic=a#access_token=<hidden>`,
    );
  });

  it('leaves targets without the parameter as they are', () => {
    for (const target of [STREAM, `${STREAM}?`, `${STREAM}?topic=access_token`, `${STREAM}?my_access_token=1`]) {
      expect(redactAccessToken(target)).to.equal(target);
    }
  });
});
