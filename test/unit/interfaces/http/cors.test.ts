import { expect } from 'chai';
import { corsHeaders } from '../../../../src/interfaces/http/cors';

describe('corsHeaders', () => {
  it('allows any origin with *', () => {
    expect(corsHeaders('*', 'https://a.example')).to.deep.equal({ 'Access-Control-Allow-Origin': '*' });
    expect(corsHeaders('*', undefined)).to.deep.equal({ 'Access-Control-Allow-Origin': '*' });
  });

  it('echoes a listed origin with credentials allowed (EventSource withCredentials) and varies on Origin', () => {
    const allowed = ['https://a.example', 'http://b.example:8080'];
    expect(corsHeaders(allowed, 'http://b.example:8080')).to.deep.equal({
      'Access-Control-Allow-Origin': 'http://b.example:8080',
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
    });
  });

  it('never allows credentials for any origin (*)', () => {
    expect(corsHeaders('*', 'https://a.example')).not.to.have.property('Access-Control-Allow-Credentials');
  });

  it('leaves the allow header out for an unlisted origin', () => {
    const allowed = ['https://a.example'];
    for (const origin of ['https://evil.example', 'http://a.example', 'https://a.example:8443', 'null', undefined]) {
      expect(corsHeaders(allowed, origin)).to.deep.equal({ Vary: 'Origin' });
    }
  });

  it('allows nothing with an empty list', () => {
    expect(corsHeaders([], 'https://a.example')).not.to.have.property('Access-Control-Allow-Origin');
  });
});
