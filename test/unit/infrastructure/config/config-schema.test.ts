import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../../src/infrastructure/config/load-config';

const invalid = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be invalid`);
};

describe('config variables', () => {
  describe('CORS_ORIGINS', () => {
    it('reads * as any origin', () => {
      expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).to.equal('*');
      expect(loadConfig({ CORS_ORIGINS: ' * ' }).corsOrigins).to.equal('*');
    });

    it('reads a comma list of origins, trimmed, without trailing slash, default ports dropped', () => {
      const origins = loadConfig({ CORS_ORIGINS: 'https://a.example, http://b.example:8080/ ,https://c.example:443' });
      expect(origins.corsOrigins).to.deep.equal(['https://a.example', 'http://b.example:8080', 'https://c.example']);
    });

    it('lower-cases the host as browsers send it', () => {
      expect(loadConfig({ CORS_ORIGINS: 'https://A.Example' }).corsOrigins).to.deep.equal(['https://a.example']);
    });

    for (const raw of [
      'https://a.example/path',
      'a.example',
      'ftp://a.example',
      'https://a.example,',
      '*,https://a.example',
      'https://a.example?x=1',
    ]) {
      it(`rejects ${JSON.stringify(raw)}`, () => {
        expect(invalid({ CORS_ORIGINS: raw }))
          .to.include('CORS_ORIGINS=')
          .and.to.include('comma list of origins');
      });
    }
  });

  describe('RATE_PAIRS', () => {
    it('reads a comma list, upper-cased, trimmed and without duplicates, in order', () => {
      expect(loadConfig({ RATE_PAIRS: 'eth/usd, btc/eur ,ETH/USD,Sol/Usd' }).ratePairs).to.deep.equal([
        { base: 'ETH', quote: 'USD' },
        { base: 'BTC', quote: 'EUR' },
        { base: 'SOL', quote: 'USD' },
      ]);
    });

    for (const raw of [
      'BTC',
      'BTC/USD/EUR',
      'BTC-USD',
      'BTC/',
      '/USD',
      'BTC/USD,',
      'B TC/USD',
      `${'A'.repeat(17)}/USD`,
    ]) {
      it(`rejects ${JSON.stringify(raw)}`, () => {
        expect(invalid({ RATE_PAIRS: raw }))
          .to.include(`RATE_PAIRS=${JSON.stringify(raw)}`)
          .and.to.include('BTC/USD');
      });
    }
  });

  describe('URLs', () => {
    it('accepts amqp and amqps for AMQP_URL and hides a bad one', () => {
      expect(loadConfig({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' }).amqpUrl).to.equal(
        'amqp://guest:guest@127.0.0.1:5672',
      );
      const message = invalid({ AMQP_URL: 'http://guest:pw@host' });
      expect(message).to.include('AMQP_URL=<hidden>').and.not.to.include('pw');
    });

    it('accepts a comma list of cluster nodes for AMQP_URL, trimmed', () => {
      const raw = ' amqp://u:secret@127.0.0.1:5681 , amqp://u:secret@127.0.0.1:5682,amqps://u:secret@h3 ';
      expect(loadConfig({ AMQP_URL: raw }).amqpUrl).to.equal(
        'amqp://u:secret@127.0.0.1:5681,amqp://u:secret@127.0.0.1:5682,amqps://u:secret@h3',
      );
    });

    for (const raw of [
      'amqp://u:secret@h1,http://u:secret@h2',
      'amqp://u:secret@h1,,amqp://u:secret@h2',
      'amqp://u:secret@h1,',
      'amqp://u:secret@h1:5672,amqp://u:secret@h1',
    ]) {
      it(`rejects the list ${JSON.stringify(raw.replaceAll('secret', '…'))} without showing a password`, () => {
        const message = invalid({ AMQP_URL: raw });
        expect(message).to.include('AMQP_URL=<hidden>').and.to.include('comma list').and.not.to.include('secret');
      });
    }

    it('accepts an http(s) COINAPI_URL without its trailing slash', () => {
      expect(loadConfig({ COINAPI_URL: 'http://127.0.0.1:9999/' }).coinApiUrl).to.equal('http://127.0.0.1:9999');
      expect(invalid({ COINAPI_URL: 'ftp://x' })).to.include('COINAPI_URL="ftp://x"');
    });
  });

  describe('HOST and AMQP_EXCHANGE', () => {
    it('accepts host names and IP addresses', () => {
      for (const host of ['127.0.0.1', '::1', 'my-host.local']) expect(loadConfig({ HOST: host }).host).to.equal(host);
    });

    it('rejects a host with spaces or slashes', () => {
      expect(invalid({ HOST: 'a b' })).to.include('HOST="a b"');
      expect(invalid({ HOST: 'http://x' })).to.include('HOST=');
    });

    it('rejects an exchange name with spaces', () => {
      expect(invalid({ AMQP_EXCHANGE: 'my exchange' })).to.include('AMQP_EXCHANGE="my exchange"');
    });
  });

  describe('AMQP_STREAM', () => {
    it('defaults to the exchange name followed by .stream', () => {
      expect(loadConfig({ AMQP_EXCHANGE: 'rates-x' }).amqpStream).to.equal('rates-x.stream');
    });

    it('takes a name of its own', () => {
      expect(loadConfig({ AMQP_EXCHANGE: 'rates-x', AMQP_STREAM: 'my.log:1' }).amqpStream).to.equal('my.log:1');
    });

    it('rejects a name outside the exchange alphabet or over 255 characters', () => {
      expect(invalid({ AMQP_STREAM: 'my stream' }))
        .to.include('AMQP_STREAM="my stream"')
        .and.to.include('1-255 characters of A-Za-z0-9._:-');
      expect(invalid({ AMQP_STREAM: 's'.repeat(256) })).to.include('AMQP_STREAM=');
    });

    it('asks for a name when the default would be over 255 characters', () => {
      expect(invalid({ AMQP_EXCHANGE: 'e'.repeat(250) })).to.include('AMQP_STREAM is unset');
      expect(loadConfig({ AMQP_EXCHANGE: 'e'.repeat(250), AMQP_STREAM: 'short' }).amqpStream).to.equal('short');
    });
  });
});
