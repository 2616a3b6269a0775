import { expect } from 'chai';
import { post } from '../support/http';
import { RecordingEventSource } from '../support/event-source-client';
import { RawSseClient } from '../support/raw-sse-client';
import { runServiceToExit, spawnService, type ServiceProcess } from '../support/service-process';

describe('the service process (npm start)', () => {
  let proc: ServiceProcess | undefined;
  afterEach(async () => {
    await proc?.stop('SIGKILL');
    proc = undefined;
  });

  it('runs on embedded defaults: simulated BTC/USD and ETH/USD rates and broadcasts reach an EventSource', async () => {
    proc = await spawnService({ RATE_SOURCE: '', RATE_INTERVAL_MS: '200' });
    const es = new RecordingEventSource(`${proc.url}/api/v1/sso/stream`);
    try {
      type Rate = { asset_id_base: string; source: string; rate: number };
      const rates = (): Rate[] =>
        es.received.map((r) => JSON.parse(r.data) as Partial<Rate>).filter((d): d is Rate => 'rate' in d);
      await es.waitFor(() => new Set(rates().map((r) => r.asset_id_base)).size === 2, 5_000);
      for (const rate of rates()) {
        expect(rate).to.include({ source: 'simulated', asset_id_quote: 'USD' });
        expect(rate.rate).to.be.a('number').greaterThan(0);
      }
      const answer = await post(`${proc.url}/api/v1/sso/broadcast`, { message: 'hello' });
      expect(answer.status).to.equal(202);
      await es.waitFor((r) => r.some((m) => m.data === '{"message":"hello"}' && m.lastEventId === answer.json.id));
    } finally {
      es.close();
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 on ${signal} with open streams, ending each with the last chunk`, async () => {
      proc = await spawnService({ RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '100' });
      const clients = await Promise.all([0, 1, 2].map(() => RawSseClient.connect(proc!.port, '/api/v1/sso/stream')));
      await Promise.all(clients.map((c) => c.waitForEvents(2)));
      const started = Date.now();
      const exit = await proc.stop(signal);
      expect(exit).to.deep.equal({ code: 0, signal: null });
      expect(Date.now() - started).to.be.lessThan(10_000);
      for (const client of clients) {
        await client.waitFor((c) => c.closed, 2_000, 'connection closed');
        expect(client.terminated, 'chunked body terminated').to.equal(true);
        expect(client.body.endsWith('\n\n'), 'no half-written event').to.equal(true);
      }
      expect(proc.output()).to.match(/"msg":"stopped"/);
    });
  }

  it('exits 2 with one line naming a bad variable, its value and what is allowed', async () => {
    const { code, output } = await runServiceToExit({ PORT: 'eighty' });
    expect(code).to.equal(2);
    expect(output.trim().split('\n')).to.have.length(1);
    expect(output).to.match(/PORT="eighty".*whole number from 0 to 65535/);
  });

  it('exits 2 without echoing a secret', async () => {
    const { code, output } = await runServiceToExit({ RATE_SOURCE: 'coinapi', AMQP_URL: 'http://user:hunter2@host' });
    expect(code).to.equal(2);
    expect(output)
      .to.match(/AMQP_URL/)
      .and.match(/RATE_SOURCE/);
    expect(output).not.to.include('hunter2');
  });

  it('exits 2 for a fetcher without AMQP_URL', async () => {
    const { code, output } = await runServiceToExit({ ROLE: 'fetcher' });
    expect(code).to.equal(2);
    expect(output).to.match(/ROLE="fetcher".*AMQP_URL/);
  });

  it('logs the port it chose for PORT=0', async () => {
    proc = await spawnService({ PORT: '0' });
    expect(proc.port).to.be.greaterThan(0);
    expect((await fetch(`${proc.url}/healthz`)).status).to.equal(200);
  });
});
