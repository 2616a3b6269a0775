import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { post } from '../support/http';
import { secretBytes, signToken } from '../support/jwt';
import { requireChromium } from '../support/require-chromium';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { launchChromium } from './chromium';
import { DashboardPage, eventually } from './dashboard-page';

const SECRET = 'dashboard-test-hmac-secret-of-more-than-32-bytes';
const hourFromNow = (): number => Math.floor(Date.now() / 1000) + 3_600;
const token = (claims: Record<string, unknown>): Promise<string> =>
  signToken(secretBytes(SECRET), { alg: 'HS256', claims: { exp: hourFromNow(), ...claims } });

/**
 * The browser's own lines about a request the server refused (the EventSource's 401, and the page's one
 * fetch() that reads why): network log, not page errors. Anything else is still an error.
 */
const notAboutRefusals = (errors: string[]): string[] =>
  errors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e));

describe('dashboard private topics and tokens in Chromium', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let hub: ServiceProcess | undefined;
  let plain: ServiceProcess | undefined;
  let subscriber: string;
  let publisher: string;
  const pages: DashboardPage[] = [];

  const open = async (url: string): Promise<DashboardPage> => {
    if (browser === undefined) throw new Error('no browser');
    const page = await DashboardPage.open(browser, url);
    pages.push(page);
    return page;
  };
  const publish = (body: Record<string, unknown>) =>
    post(`${hub!.url}/api/v1/sso/broadcast`, body, {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${publisher}`,
    });

  before(async function () {
    requireChromium(this);
    [hub, plain, browser] = await Promise.all([
      spawnService({ JWT_KEY: SECRET, RETRY_MS: '500' }),
      spawnService({}),
      launchChromium(),
    ]);
    subscriber = await token({ sse: { subscribe: ['secret.*'] } });
    publisher = await token({ sse: { publish: ['secret.*', 'broadcast'] } });
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.page.close()));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([hub?.stop(), plain?.stop()]);
  });

  it('shows private events to a page watching with a subscriber token, and not to one without', async () => {
    const [watcher, anonymous] = [await open(`${hub!.url}/`), await open(`${hub!.url}/`)];
    await watcher.watchWith(subscriber);
    await watcher.waitForState('live');
    expect(await watcher.page.locator('#subscription').innerText()).to.equal('every topic, with a subscriber token');
    const secret = await publish({ message: 'for token holders', topic: 'secret.plans', private: true });
    expect(secret.status).to.equal(202);
    const open_ = await publish({ message: 'for everyone' });
    expect(open_.status).to.equal(202);
    for (const [page, id] of [
      [watcher, secret.json.id],
      [watcher, open_.json.id],
      [anonymous, open_.json.id],
    ] as const) {
      await eventually(() => page.feedMessage(String(id)), `event ${String(id)}`);
    }
    // The public event came after the private one, on the same bus: the page without a token had its turn.
    expect(await anonymous.feedMessage(String(secret.json.id))).to.equal(undefined);
    // The token went only in the stream's query: not in the address bar, and with no Referer anywhere.
    const withToken = watcher.streamRequests.filter((r) => new URL(r.url()).searchParams.has('access_token'));
    expect(withToken).to.have.length.at.least(1);
    expect(new URL(withToken[0]!.url()).searchParams.get('access_token')).to.equal(subscriber);
    for (const request of watcher.streamRequests) expect(await request.allHeaders()).not.to.have.property('referer');
    expect(watcher.page.url()).to.equal(`${hub!.url}/`);
    expect(
      await watcher.page.evaluate('localStorage.length + sessionStorage.length + document.cookie.length'),
    ).to.equal(0);
    expect([...watcher.errors, ...anonymous.errors]).to.deep.equal([]);
  });

  it('shows a refused token clearly, and watches again with a good one that says when it expires', async () => {
    const page = await open(`${hub!.url}/`);
    await page.watchWith('not-a-token');
    await page.waitForState('refused');
    expect(await page.connectionText()).to.equal('Token refused');
    expect(await page.notice()).to.match(/^The server refused the token: .+\. Change the subscriber token/);
    // Within 30 s of its exp, a stream's token gets `auth-expiring` at once.
    const shortLived = await token({ sse: { subscribe: ['secret.*'] }, exp: Math.floor(Date.now() / 1000) + 25 });
    await page.watchWith(shortLived);
    await page.waitForState('live');
    await eventually(async () => /expires at \d\d:\d\d:\d\d/.test((await page.notice()) ?? ''), 'the expiry note');
    expect(notAboutRefusals(page.errors)).to.deep.equal([]);
  });

  it('sends a private broadcast that only a page with a subscriber token shows', async () => {
    const [watcher, sender] = [await open(`${hub!.url}/`), await open(`${hub!.url}/`)];
    await watcher.watchWith(subscriber);
    await watcher.waitForState('live');
    expect(await sender.page.locator('#private-hint').textContent()).to.match(/token covers the topic/);
    const sent = await sender.send('only for some', { topic: 'secret.chat', private: true, token: publisher });
    expect(sent.outcome, sent.text).to.equal('ok');
    const after = await sender.send('for all', { token: publisher });
    expect(after.outcome, after.text).to.equal('ok');
    expect(await eventually(() => watcher.feedMessage(sent.id!), 'the private message')).to.equal('only for some');
    await eventually(() => sender.feedMessage(after.id!), 'the public message');
    expect(await sender.feedMessage(sent.id!)).to.equal(undefined);
    expect([...watcher.errors, ...sender.errors]).to.deep.equal([]);
  });

  it('shows the server message when private is refused because the hub has no JWT key', async () => {
    const page = await open(`${plain!.url}/`);
    expect(await page.page.locator('#private-hint').textContent()).to.match(/refuses private events/);
    const refused = await page.send('private without a key', { private: true });
    expect(refused.outcome).to.equal('error');
    expect(refused.text).to.match(/^Refused \(400\): "private" needs a JWT key on the hub/);
    const sent = await page.send('public then', { private: false });
    expect(sent.outcome, sent.text).to.equal('ok');
  });
});
