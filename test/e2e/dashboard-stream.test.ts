import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { RawSseClient } from '../support/raw-sse-client';
import { requireChromium } from '../support/require-chromium';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { launchChromium, publishedEvents } from './chromium';
import { countStreamEvents, DashboardPage, eventually } from './dashboard-page';

/** Rates at 10 a second per pair into a history of 400 events: 20 s of chart, filled while the browser starts. */
const SEASONED_ENV = { RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '100', HISTORY_SIZE: '400' };

/** A stream answered by a replica that found events missing from its bus, between two rates. */
function streamGapBody(): string {
  const rate = (id: string, rate: number, ago: number) =>
    `id: ${id}\ndata: ${JSON.stringify({
      time: new Date(Date.now() - ago).toISOString(),
      asset_id_base: 'BTC',
      asset_id_quote: 'USD',
      rate,
      source: 'simulated',
    })}\n\n`;
  // A long retry: the page keeps what this one answer said while the test looks.
  return `retry: 600000\n\n${rate('A1', 87_000, 2_000)}event: reset\ndata: {"reason":"stream-gap"}\n\n${rate('A2', 87_100, 1_000)}`;
}

describe('dashboard stream (history, heartbeats, resets, turn-aways) in Chromium', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let seasoned: ServiceProcess | undefined;
  const services: ServiceProcess[] = [];
  const pages: DashboardPage[] = [];

  const start = async (env: Record<string, string>): Promise<ServiceProcess> => {
    const service = await spawnService(env);
    services.push(service);
    return service;
  };
  const load = async (url: string, prepare?: (page: Page) => Promise<unknown>): Promise<DashboardPage> => {
    if (browser === undefined) throw new Error('no browser');
    const page = await DashboardPage.load(browser, url, prepare);
    pages.push(page);
    return page;
  };

  before(async function () {
    requireChromium(this);
    [seasoned, browser] = await Promise.all([start(SEASONED_ENV), launchChromium()]);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.page.close()));
  });
  after(async () => {
    await browser?.close();
    await Promise.all(services.map((s) => s.stop()));
  });

  it('stays live on heartbeats alone, shows "stalled" when the stream goes quiet, and live when it speaks', async () => {
    const quiet = await start({ HEARTBEAT_MS: '500', RATE_SOURCE: 'off' });
    let heard = new Map<string, number>();
    const page = await load(`${quiet.url}/`, async (p) => {
      heard = await countStreamEvents(p);
    });
    await page.waitForState('live');
    await page.watchStates();
    // Five heartbeats span more than twice HEARTBEAT_MS: only they kept the page from showing "stalled".
    await eventually(() => Promise.resolve((heard.get('heartbeat') ?? 0) >= 5), 'five heartbeat events');
    expect(new Set(await page.statesShown())).to.deep.equal(new Set(['live']));
    quiet.child.kill('SIGSTOP');
    try {
      // Recorded as shown, however late this looks: at 4 × HEARTBEAT_MS the page reopens the stream.
      await eventually(async () => (await page.statesShown()).includes('stalled'), '"stalled"');
      expect(await page.textsShown()).to.include.members(['Stalled no event for 1 s']);
    } finally {
      quiet.child.kill('SIGCONT');
    }
    await page.waitForState('live');
    expect(page.errors).to.deep.equal([]);
  });

  it('notes a history gap, breaks the chart lines there and adds the history that follows', async () => {
    const service = await start({ ...SEASONED_ENV, HISTORY_SIZE: '20', RETRY_MS: '300' });
    const proxy = await TcpProxy.start(service.port);
    try {
      const page = await load(`http://127.0.0.1:${proxy.port}/`);
      await page.waitForState('live');
      const kept = await page.waitForPoints(20);
      await page.watchFewestPoints();
      proxy.cut();
      await page.waitForState('reconnecting');
      const published = await publishedEvents(service);
      // Forty more events: the page's last event id has left the 20 events of history.
      await eventually(async () => (await publishedEvents(service)) >= published + 40, 'the history to move on');
      const before = await page.points();
      proxy.restore();
      await eventually(async () => /after a gap/.test((await page.notice()) ?? ''), 'the reset note');
      expect(await page.notice()).to.match(/^Resumed at \d\d:\d\d:\d\d after a gap: events published .* missing\.$/);
      await page.waitForState('live');
      // One break per pair, and the 20 events of history the server sent after the reset, at once.
      await eventually(async () => (await page.gaps()) === 2, 'one break in each line');
      await page.waitForPoints(before + 20);
      expect(await page.fewestPoints(), 'the chart was kept, not cleared').to.be.at.least(kept);
      // The browser logs each connection the proxy cut or refused: network, not page errors.
      expect(page.errors.filter((e) => !/^Failed to load resource: net::ERR_/.test(e))).to.deep.equal([]);
    } finally {
      await proxy.close();
    }
  });

  it('notes a stream gap the server reports and breaks the chart lines there', async () => {
    const page = await load(`${seasoned!.url}/`, (p) =>
      p.route('**/api/v1/sso/stream?**', (route) =>
        route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: streamGapBody() }),
      ),
    );
    await eventually(async () => (await page.cardPoints('BTC/USD')) === 2, 'the two rates around the gap');
    expect(await page.notice()).to.match(/^At \d\d:\d\d:\d\d the server found events missing .*: some were missed\.$/);
    expect(await page.gaps()).to.equal(1);
    expect(await page.page.locator('#last-id').innerText()).to.equal('A2');
    expect(page.errors).to.deep.equal([]);
  });

  it('shows "unavailable (capacity)" while turned away, never "live", then goes live once a slot frees', async () => {
    const full = await start({ MAX_CLIENTS: '1', RETRY_MS: '300', RATE_SOURCE: 'simulated', RATE_INTERVAL_MS: '200' });
    const holder = await RawSseClient.connect(full.port, '/api/v1/sso/stream');
    try {
      await holder.waitFor((c) => c.status === 200 && c.retry !== undefined, 5_000, 'the one slot');
      const page = await load(`${full.url}/`);
      await page.watchStates();
      await eventually(async () => /^Unavailable \(capacity\)/.test(await page.connectionText()), 'unavailable');
      expect(await page.connectionText()).to.match(/^Unavailable \(capacity\) retrying (within \d+ s|now…)$/);
      // Turned away three times, by the browser's own retries, and not once shown as live.
      await eventually(() => Promise.resolve(page.streamRequests.length >= 3), 'three stream requests');
      expect(await page.statesShown()).not.to.include('live');
      holder.close();
      await page.waitForState('live');
      await page.waitForPoints((await page.points()) + 4);
      expect(await page.state()).to.equal('live');
      expect(page.errors).to.deep.equal([]);
    } finally {
      holder.close();
    }
  });

  it('opens with every pair and more than a second of chart each, from the history, within 1.5 s of load', async () => {
    await eventually(async () => (await publishedEvents(seasoned!)) >= 400 || undefined, 'a full history', 60_000);
    const page = await load(`${seasoned!.url}/`);
    // At 10 rates a second, 1.5 s brings at most 15 live points per pair: the rest can only come from the history.
    await eventually(
      async () => (await page.cardPoints('BTC/USD')) >= 100 && (await page.cardPoints('ETH/USD')) >= 100,
      'both cards, each with 100 chart points',
      1_500,
    );
    expect(page.streamRequests).to.have.length(1);
    const query = page.lastStreamQuery();
    expect(query.get('rewind'), 'HISTORY_SIZE, as the page was told').to.equal('400');
    expect(query.get('heartbeat')).to.equal('event');
    expect(query.has('access_token')).to.equal(false);
    expect(await page.points()).to.be.at.least(200);
    expect(await page.page.locator('#chart-title').innerText()).to.match(/^Change since \d\d:\d\d:\d\d$/);
    expect(await page.card('BTC/USD').text('.since')).to.match(/^since \d\d:\d\d$/);
    await page.waitForState('live');
    expect(page.errors).to.deep.equal([]);
  });
});
