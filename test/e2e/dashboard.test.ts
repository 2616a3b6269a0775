import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { post } from '../support/http';
import { requireChromium } from '../support/require-chromium';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { launchChromium } from './chromium';
import { DashboardPage, eventually } from './dashboard-page';

const ENV = { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '200', RETRY_MS: '500' };
/** A second service, token-protected and left alone by the other tests, for the screenshot. */
const SHOWCASE_ENV = { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '250', PUBLISH_TOKEN: 'demo-publish-token' };
/** Under test-results/ (ignored by git); `UPDATE_SCREENSHOT=1` refreshes the committed docs/dashboard.png. */
const SCREENSHOT = path.resolve(
  __dirname,
  process.env.UPDATE_SCREENSHOT === '1' ? '../../docs/dashboard.png' : '../../test-results/dashboard.png',
);

/** fetch() adds `Cache-Control: no-cache` to a conditional request, which rightly defeats the 304. */
function conditionalGet(url: string, etag: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'If-None-Match': etag } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
      .on('error', reject);
  });
}

describe('dashboard (GET /) in Chromium', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let service: ServiceProcess | undefined;
  let showcase: ServiceProcess | undefined;
  let showcasePage: DashboardPage;
  const pages: DashboardPage[] = [];

  const url = (): string => {
    if (service === undefined) throw new Error('no service');
    return `${service.url}/`;
  };
  const open = async (target = url()): Promise<DashboardPage> => {
    if (browser === undefined) throw new Error('no browser');
    const page = await DashboardPage.open(browser, target);
    pages.push(page);
    return page;
  };

  before(async function () {
    requireChromium(this);
    [service, showcase] = await Promise.all([spawnService(ENV), spawnService(SHOWCASE_ENV)]);
    browser = await launchChromium();
    // Opened first so that its chart has a history by the time of the screenshot.
    showcasePage = await DashboardPage.open(browser, `${showcase.url}/`);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.page.close()));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([service?.stop(), showcase?.stop()]);
  });

  it('loads with no console error, every field labelled', async () => {
    const page = await open();
    expect(await page.page.title()).to.match(/SSE Hub/);
    expect(await page.page.getByRole('heading', { level: 1 }).innerText()).to.equal('SSE Hub');
    expect(await page.connectionText()).to.equal('Live');
    for (const field of ['Message', 'Topic', 'Event name', 'Private', 'Bearer token', 'Subscriber token']) {
      expect(await page.page.getByLabel(field, { exact: true }).count(), field).to.equal(1);
    }
    await page.waitForPoints(4);
    expect(page.errors).to.deep.equal([]);
  });

  it('serves its assets from memory with a type, an ETag and no-cache', async () => {
    for (const [file, type] of [
      ['', 'text/html; charset=utf-8'],
      ['dashboard/app.js', 'text/javascript; charset=utf-8'],
      ['dashboard/style.css', 'text/css; charset=utf-8'],
    ] as const) {
      const first = await fetch(`${url()}${file}`);
      expect(first.status, file).to.equal(200);
      expect(first.headers.get('content-type'), file).to.equal(type);
      expect(first.headers.get('cache-control'), file).to.equal('no-cache');
      const etag = first.headers.get('etag') ?? '';
      expect(etag, file).to.match(/^"[\w-]+"$/);
      expect(await conditionalGet(`${url()}${file}`, etag), file).to.equal(304);
    }
    const missing = await fetch(`${url()}dashboard/nope.js`);
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.include({ success: false, code: 404 });
  });

  it('updates the cards and the chart from the simulated rates within seconds', async () => {
    const page = await open();
    await eventually(async () => (await page.hasCard('BTC/USD')) && (await page.hasCard('ETH/USD')), 'two cards');
    const btc = page.card('BTC/USD');
    const firstRate = await btc.text('.rate .value');
    const firstPoints = await page.points();
    const firstChart = await page.chartPixels();
    await eventually(async () => (await btc.text('.rate .value')) !== firstRate, 'a new BTC/USD rate');
    await page.waitForPoints(firstPoints + 10);
    await eventually(async () => !(await page.chartPixels()).equals(firstChart), 'the chart to change');
    expect(await btc.text('.rate .value')).to.match(/^\d{1,3}(,\d{3})*\.\d\d$/);
    expect(await btc.text('.badge')).to.equal('simulated');
    expect(await btc.text('.change .percent')).to.match(/^[+-]?\d+\.\d\d%$/);
    expect(await btc.attr('data-direction')).to.be.oneOf(['up', 'down', 'flat']);
    expect(await btc.text('.age')).to.match(/^Updated (just now|\d+ s ago)$/);
    expect(await page.eventCount()).to.be.at.least(10);
    expect(await page.page.locator('#last-id').innerText()).to.match(/^[0-9A-Z]{26}$/);
    expect(page.errors).to.deep.equal([]);
  });

  it('sends a message through the form that appears in this page and in a second one, newest first', async () => {
    const [first, second] = [await open(), await open()];
    const text = `hello from the form ${Date.now()}`;
    const sent = await first.send(text);
    expect(sent.outcome, sent.text).to.equal('ok');
    expect(sent.id).to.match(/^[0-9A-Z]{26}$/);
    for (const page of [first, second]) {
      expect(await eventually(() => page.feedMessage(sent.id ?? ''), 'the message in both pages')).to.equal(text);
    }
    const later = await second.send('and a second one');
    await eventually(async () => (await first.feed())[0] === 'and a second one', 'the newer message on top');
    expect((await first.feed()).slice(0, 2)).to.deep.equal(['and a second one', text]);
    expect(later.id! > sent.id!).to.equal(true);
    expect([...first.errors, ...second.errors]).to.deep.equal([]);
  });

  it('shows a message containing HTML as text and runs nothing', async () => {
    const page = await open();
    const evil = '<img src=x onerror=window.__xss=1>';
    const sent = await page.send(evil);
    expect(await eventually(() => page.feedMessage(sent.id ?? ''), 'the message')).to.equal(evil);
    const other = await post(`${service!.url}/api/v1/sso/broadcast`, { message: { html: '<script>x()</script>' } });
    const json = await eventually(() => page.feedMessage(String(other.json.id)), 'the JSON message');
    expect(json).to.equal('{"html":"<script>x()</script>"}');
    expect(await page.page.locator('#feed img, #feed script').count()).to.equal(0);
    expect(await page.page.evaluate('window.__xss')).to.equal(undefined);
    expect(page.errors).to.deep.equal([]);
  });

  it('follows only the ticked pairs, keeps the broadcasts, and follows every topic again', async () => {
    const page = await open();
    await eventually(async () => (await page.hasCard('BTC/USD')) && (await page.hasCard('ETH/USD')), 'two cards');
    await page.page.getByRole('checkbox', { name: 'ETH/USD' }).uncheck();
    const subscription = page.page.locator('#subscription');
    expect(await subscription.innerText()).to.equal('topic=rates.BTC-USD topic=broadcast*');
    await page.waitForState('live');
    const eth = page.card('ETH/USD');
    const ethRate = await eth.text('.rate .value');
    await page.waitForPoints((await page.points()) + 10);
    expect(await eth.text('.rate .value')).to.equal(ethRate);
    expect(await eth.attr('data-followed')).to.equal('false');
    const news = await post(`${service!.url}/api/v1/sso/broadcast`, { message: 'still here' });
    expect(await eventually(() => page.feedMessage(String(news.json.id)), 'a broadcast')).to.equal('still here');
    await page.page.getByRole('checkbox', { name: 'ETH/USD' }).check();
    expect(await subscription.innerText()).to.equal('every topic');
    await eventually(async () => (await eth.text('.rate .value')) !== ethRate, 'ETH/USD again');
    expect(page.errors).to.deep.equal([]);
  });

  it('saves a screenshot with rates, a chart with history and broadcasts', async () => {
    const page = showcasePage;
    const publish = (body: Record<string, unknown>) =>
      post(`${showcase!.url}/api/v1/sso/broadcast`, body, {
        'Content-Type': 'application/json',
        Authorization: 'Bearer demo-publish-token',
      });
    await publish({ message: 'Deploy 2.4.0 rolled out to both replicas' });
    await publish({ message: { pair: 'ETH/USD', alert: 'moved more than 0.5% in a minute' } });
    const sent = await page.send('Hello from the dashboard', { event: 'greeting', token: 'demo-publish-token' });
    expect(sent.outcome, sent.text).to.equal('ok');
    await eventually(() => page.feedMessage(sent.id ?? ''), 'the named event in the feed');
    await page.page.locator('summary').click();
    await page.page.evaluate('document.activeElement.blur(); window.scrollTo(0, 0)');
    // 25 s of rates at 4/s per pair: the chart spans its full width.
    await page.waitForPoints(200, 60_000);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.page.screenshot({ path: SCREENSHOT });
    expect(showcasePage.errors).to.deep.equal([]);
  });

  it('shows the server error message when a token is required and missing', async () => {
    const page = await open(`${showcase!.url}/`);
    expect(await page.page.locator('#token-hint').innerText()).to.match(/requires a token/);
    const refused = await page.send('no token');
    expect(refused).to.deep.include({ outcome: 'error', text: 'Refused (401): missing bearer token' });
    const accepted = await page.send('Maintenance window tonight at 22:00 UTC', { token: 'demo-publish-token' });
    expect(accepted.outcome, accepted.text).to.equal('ok');
  });

  it('shows "reconnecting" while the server restarts, then is live again with its chart kept', async () => {
    const page = await open();
    await page.waitForPoints(10);
    const lastId = await page.page.locator('#last-id').innerText();
    const port = service!.port;
    await service!.stop();
    await page.waitForState('reconnecting');
    expect(await page.connectionText()).to.match(/^Reconnecting (in \d+ s|now…)$/);
    const kept = await page.points();
    expect(kept, 'points kept while the server is down').to.be.at.least(10);
    await page.watchFewestPoints();
    service = await spawnService({ ...ENV, PORT: String(port) });
    await page.waitForState('live');
    expect(await page.connectionText()).to.equal('Live');
    expect(await page.points(), 'no chart point lost across the restart').to.be.at.least(kept);
    await page.waitForPoints(kept + 10);
    // However late the checks above ran, the chart never dipped: it was kept, not cleared and refilled.
    expect(await page.fewestPoints(), 'the fewest points shown since the restart').to.be.at.least(kept);
    expect(await page.page.locator('#last-id').innerText()).not.to.equal(lastId);
    expect(await page.page.locator('#notice').innerText()).to.match(/after a gap/);
  });
});
