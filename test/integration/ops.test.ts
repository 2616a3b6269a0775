import { expect } from 'chai';
import { TOKENS } from '../../src/tokens';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { eventually } from '../support/wait';

describe('operational endpoints', () => {
  let service: RunningService;
  before(async () => (service = await startService()));
  after(() => service.stop());

  it('answers /healthz and /readyz with 200 while the in-memory bus runs', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${service.url}${path}`);
      expect(response.status, path).to.equal(200);
      expect(await response.json()).to.include({ success: true, code: 200 });
    }
  });

  it('exposes the Prometheus series SPEC.md names', async () => {
    await post(`${service.url}/api/v1/sso/broadcast`, { message: 'counted' });
    const response = await fetch(`${service.url}/metrics`);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await response.text();
    for (const series of [
      'sse_clients 0',
      'sse_events_published_total 1',
      'sse_events_fanned_out_total 1',
      'sse_events_delivered_total 0',
      'sse_clients_dropped_total{reason="slow"} 0',
      'sse_bus_reconnects_total 0',
      'http_requests_total{method="POST",route="/api/v1/sso/broadcast",status="202"} 1',
      'process_resident_memory_bytes',
    ]) {
      expect(text).to.include(series);
    }
    expect(text).to.match(/# TYPE sse_rate_fetch_errors_total counter/);
  });

  it('answers unknown paths with a JSON 404, whatever the method (one no route has included)', async () => {
    for (const method of ['GET', 'PROPFIND']) {
      const response = await fetch(`${service.url}/no/such/thing`, { method });
      expect(response.status, method).to.equal(404);
      expect(response.headers.get('allow'), method).to.equal(null);
      expect(await response.json()).to.deep.equal({
        success: false,
        code: 404,
        message: 'no such path: /no/such/thing',
      });
    }
  });

  it('answers a wrong method with a JSON 405 and Allow', async () => {
    const cases: [string, string, RegExp][] = [
      ['DELETE', '/api/v1/sso/stream', /GET/],
      ['GET', '/api/v1/sso/broadcast', /POST/],
      ['POST', '/healthz', /GET/],
      // Methods no route has: Koa's router would answer 501 in plain text.
      ['PROPFIND', '/healthz', /GET/],
      ['PURGE', '/api/v1/sso/broadcast', /POST/],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${service.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).to.equal(405);
      expect(response.headers.get('allow')).to.match(allow);
      expect(await response.json()).to.include({ success: false, code: 405 });
    }
  });
});

describe('/readyz by role', () => {
  const failingSource = {
    start: () => undefined,
    stop: () => Promise.resolve(),
    readiness: () => ({ ready: false as const, reason: 'rates-key-rejected' }),
  };
  const withFailingRates = (c: import('inversify').Container): void =>
    void c.rebindSync(TOKENS.RateSource).toConstantValue(failingSource);

  it('reports a fetcher not ready, with the reason, when its rates fail', async () => {
    const service = await startService({ role: 'fetcher', rateSource: 'simulated' }, withFailingRates);
    try {
      const response = await fetch(`${service.url}/readyz`);
      expect(response.status).to.equal(503);
      expect(await response.json()).to.deep.equal({ success: false, code: 503, message: 'rates-key-rejected' });
    } finally {
      await service.stop();
    }
  });

  it('keeps a stream server (ROLE=all) ready while its rates fail: it follows the bus', async () => {
    const service = await startService({ role: 'all', rateSource: 'simulated' }, withFailingRates);
    try {
      expect((await fetch(`${service.url}/readyz`)).status).to.equal(200);
    } finally {
      await service.stop();
    }
  });

  it('counts the rates a fetcher published, though it fans nothing out itself', async () => {
    const service = await startService({ role: 'fetcher', rateSource: 'simulated', rateIntervalMs: 100 });
    try {
      const published = async (): Promise<number> => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        return Number(/^sse_events_published_total (\d+)$/m.exec(text)?.[1] ?? 0);
      };
      await eventually(async () => (await published()) >= 4, 'four rates published');
    } finally {
      await service.stop();
    }
  });
});
