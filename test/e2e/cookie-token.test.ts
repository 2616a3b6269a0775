import { expect } from 'chai';
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { post } from '../support/http';
import { secretBytes, signToken } from '../support/jwt';
import { requireChromium } from '../support/require-chromium';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { launchChromium } from './chromium';
import { eventually } from './dashboard-page';

const SECRET = 'cookie-test-hmac-secret-of-more-than-32-bytes';
const token = (claims: Record<string, unknown>): Promise<string> =>
  signToken(secretBytes(SECRET), {
    alg: 'HS256',
    claims: { exp: Math.floor(Date.now() / 1000) + 3_600, ...claims },
  });

/**
 * A page of another origin (same host, another port) that opens the hub's stream and records what it gets;
 * `hubUrl` is asked at each request (the hub starts after this server, since it must list its origin).
 */
function pageServer(hubUrl: () => string): Server {
  const html = (withCredentials: boolean): string => `<!doctype html><meta charset="utf-8"><script>
    window.received = []; window.failed = false;
    const es = new EventSource('${hubUrl()}/api/v1/sso/stream?topic=secret.*', { withCredentials: ${withCredentials} });
    es.onmessage = (e) => window.received.push(JSON.parse(e.data).message);
    es.onopen = () => (window.opened = true);
    es.onerror = () => (window.failed = true);
  </script>`;
  return http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(html(req.url !== '/without-credentials'));
  });
}

describe('an EventSource with credentials sends its sse_token cookie (Chromium, another origin)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let hub: ServiceProcess | undefined;
  let pages: Server | undefined;
  let pageOrigin: string;
  let publisher: string;

  const openPage = async (path: string): Promise<Page> => {
    const page = await context!.newPage();
    await page.goto(`${pageOrigin}${path}`);
    return page;
  };
  const opened = (page: Page): Promise<boolean> =>
    page.evaluate(() => (globalThis as unknown as { opened?: boolean }).opened === true);
  const received = (page: Page): Promise<string[]> =>
    page.evaluate(() => (globalThis as unknown as { received: string[] }).received);

  before(async function () {
    requireChromium(this);
    pages = pageServer(() => hub?.url ?? '');
    pages.listen(0, '127.0.0.1');
    await once(pages, 'listening');
    pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    hub = await spawnService({ JWT_KEY: SECRET, CORS_ORIGINS: pageOrigin, RETRY_MS: '500' });
    browser = await launchChromium();
    context = await browser.newContext();
    // Cookies are per host, not per port: this one goes with every request to the hub on 127.0.0.1.
    const subscriber = await token({ sse: { subscribe: ['secret.*'] } });
    await context.addCookies([
      { name: 'sse_token', value: subscriber, domain: '127.0.0.1', path: '/', sameSite: 'Lax' },
    ]);
    publisher = await token({ sse: { publish: ['secret.*'] } });
  });
  after(async () => {
    await browser?.close();
    await hub?.stop();
    pages?.close();
  });

  it('receives the private events its cookie covers, through CORS with credentials', async () => {
    const page = await openPage('/');
    await eventually(() => opened(page), 'the stream to open');
    const answer = await post(
      `${hub!.url}/api/v1/sso/broadcast`,
      { message: 'cookie holders only', topic: 'secret.x', private: true },
      {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${publisher}`,
      },
    );
    expect(answer.status).to.equal(202);
    await eventually(async () => (await received(page)).includes('cookie holders only'), 'the private event');
  });

  it('gets no private event without credentials: the cookie is not sent, the stream is anonymous', async () => {
    const page = await openPage('/without-credentials');
    await eventually(() => opened(page), 'the stream to open');
    const secret = { message: 'not for anonymous', topic: 'secret.y', private: true };
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${publisher}` };
    expect((await post(`${hub!.url}/api/v1/sso/broadcast`, secret, headers)).status).to.equal(202);
    const marker = { message: 'public marker', topic: 'secret.z' };
    expect((await post(`${hub!.url}/api/v1/sso/broadcast`, marker, headers)).status).to.equal(202);
    await eventually(async () => (await received(page)).includes('public marker'), 'the public marker');
    expect(await received(page)).not.to.include('not for anonymous');
  });
});
