import { eventuallyValue } from '../support/wait';
import type { Browser, Page, Request } from 'playwright-core';

/** The shared wait (test/support/wait.ts), with the browser's longer default. */
export const eventually = <T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> => eventuallyValue(check, what, timeoutMs, 50);

/**
 * Counts, by name, the events `page`'s EventSource receives from now on (heartbeats included), through the
 * DevTools protocol: what the browser got, whether or not the page shows it. Call before the page loads.
 */
export async function countStreamEvents(page: Page): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const session = await page.context().newCDPSession(page);
  session.on('Network.eventSourceMessageReceived', ({ eventName }) => {
    counts.set(eventName, (counts.get(eventName) ?? 0) + 1);
  });
  await session.send('Network.enable');
  return counts;
}

/** The dashboard in one browser page, read through what a person sees (text, attributes, pixels). */
export class DashboardPage {
  /** Console errors and uncaught exceptions, in order. */
  readonly errors: string[] = [];
  /** Every request the page made for the stream (EventSource and fetch), in order. */
  readonly streamRequests: Request[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/sso/stream') this.streamRequests.push(request);
    });
  }

  /** Opens `url` at 1280x800 in light mode and waits until the stream is live. */
  static async open(browser: Browser, url: string): Promise<DashboardPage> {
    const dashboard = await DashboardPage.load(browser, url);
    await dashboard.waitForState('live');
    return dashboard;
  }

  /**
   * Opens `url` at 1280x800 in light mode; resolves at the page's load event, whatever its stream does.
   * `prepare` runs before the page is loaded (to route its requests, say).
   */
  static async load(
    browser: Browser,
    url: string,
    prepare: (page: Page) => Promise<unknown> = () => Promise.resolve(),
  ): Promise<DashboardPage> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const dashboard = new DashboardPage(page);
    await prepare(page);
    const response = await page.goto(url);
    if (response?.status() !== 200) throw new Error(`GET ${url} answered ${response?.status()}`);
    return dashboard;
  }

  /** The query of the page's last stream request. */
  lastStreamQuery(): URLSearchParams {
    const last = this.streamRequests.at(-1);
    if (last === undefined) throw new Error('no stream request yet');
    return new URL(last.url()).searchParams;
  }

  /**
   * From now on, records every connection state the page shows (every value data-state takes), so a
   * state shown only briefly is seen however late the test looks.
   */
  async watchStates(): Promise<void> {
    await this.page.evaluate(`(() => {
      const pill = document.querySelector('#connection');
      const shown = () => ({ state: pill.getAttribute('data-state'), text: pill.textContent.replace(/\\s+/g, ' ').trim() });
      window.statesShown = [shown()];
      new MutationObserver(() => window.statesShown.push(shown()))
        .observe(pill, { attributes: true, childList: true, characterData: true, subtree: true });
    })()`);
  }

  /** The states shown since watchStates, repeats included. */
  async statesShown(): Promise<string[]> {
    return (await this.shown()).map((s) => s.state);
  }

  /** The connection texts shown since watchStates (as connectionText() reads them), repeats included. */
  async textsShown(): Promise<string[]> {
    return (await this.shown()).map((s) => s.text);
  }

  private shown(): Promise<{ state: string; text: string }[]> {
    return this.page.evaluate<{ state: string; text: string }[]>('window.statesShown');
  }

  async notice(): Promise<string | undefined> {
    const notice = this.page.locator('#notice');
    return (await notice.isVisible()) ? notice.innerText() : undefined;
  }

  /** Chart points kept for one pair (its card's data-points). */
  async cardPoints(pair: string): Promise<number> {
    return Number((await this.card(pair).attr('data-points')) ?? '0');
  }

  /** Line breaks drawn in the chart where events were missed (its data-gaps attribute). */
  async gaps(): Promise<number> {
    return Number((await this.page.locator('#chart').getAttribute('data-gaps')) ?? '0');
  }

  /** Types a subscriber token (empty: none) and applies it. */
  async watchWith(token: string): Promise<void> {
    await this.page.getByLabel('Subscriber token', { exact: true }).fill(token);
    await this.page.getByRole('button', { name: 'Watch' }).click();
  }

  async state(): Promise<string | null> {
    return this.page.locator('#connection').getAttribute('data-state');
  }

  async connectionText(): Promise<string> {
    return (await this.page.locator('#connection').innerText()).replace(/\s+/g, ' ').trim();
  }

  waitForState(state: string, timeoutMs = 10_000): Promise<true> {
    return eventually(async () => (await this.state()) === state, `connection state "${state}"`, timeoutMs);
  }

  /** Rates kept by the chart (its data-points attribute). */
  async points(): Promise<number> {
    return Number((await this.page.locator('#chart').getAttribute('data-points')) ?? '0');
  }

  waitForPoints(atLeast: number, timeoutMs = 10_000): Promise<number> {
    return eventually(
      async () => {
        const points = await this.points();
        return points >= atLeast && points;
      },
      `${atLeast} chart points`,
      timeoutMs,
    );
  }

  /**
   * From now on, records the fewest points the chart shows (every value its data-points attribute takes):
   * a chart cleared and refilled dips, even if it ends up with more points than before.
   */
  async watchFewestPoints(): Promise<void> {
    await this.page.evaluate(`(() => {
      const chart = document.querySelector('#chart');
      const count = (value) => Number(value ?? '0');
      window.fewestPoints = count(chart.getAttribute('data-points'));
      new MutationObserver((records) => {
        for (const record of records) window.fewestPoints = Math.min(window.fewestPoints, count(record.oldValue));
        window.fewestPoints = Math.min(window.fewestPoints, count(chart.getAttribute('data-points')));
      }).observe(chart, { attributes: true, attributeFilter: ['data-points'], attributeOldValue: true });
    })()`);
  }

  /** The fewest chart points since watchFewestPoints. */
  async fewestPoints(): Promise<number> {
    return Number(await this.page.evaluate('window.fewestPoints'));
  }

  async eventCount(): Promise<number> {
    return Number((await this.page.locator('#event-count').innerText()).replace(/\D/g, ''));
  }

  card(pair: string): { text(part: string): Promise<string>; attr(name: string): Promise<string | null> } {
    const card = this.page.locator(`#cards li[data-pair="${pair}"]`);
    return {
      text: (part) => card.locator(part).innerText(),
      attr: (name) => card.getAttribute(name),
    };
  }

  async hasCard(pair: string): Promise<boolean> {
    return (await this.page.locator(`#cards li[data-pair="${pair}"]`).count()) === 1;
  }

  chartPixels(): Promise<Buffer> {
    return this.page.locator('#chart').screenshot();
  }

  /** The feed's messages, newest first. */
  feed(): Promise<string[]> {
    return this.page.locator('#feed li .message').allInnerTexts();
  }

  async feedMessage(id: string): Promise<string | undefined> {
    const item = this.page.locator(`#feed li[data-id="${id}"] .message`);
    return (await item.count()) === 1 ? item.innerText() : undefined;
  }

  /** Fills and submits the form; resolves with the outcome and text once the answer is shown. */
  async send(message: string, fields: { topic?: string; event?: string; token?: string; private?: boolean } = {}) {
    const form = this.page.locator('#broadcast-form');
    await form.locator('#message').fill(message);
    if (Object.keys(fields).length > 0) {
      if ((await form.locator('#send-options').getAttribute('open')) === null) await form.locator('summary').click();
      await form.locator('#topic').fill(fields.topic ?? '');
      await form.locator('#event').fill(fields.event ?? '');
      await form.locator('#token').fill(fields.token ?? '');
      await form.getByLabel('Private', { exact: true }).setChecked(fields.private ?? false);
    }
    await form.getByRole('button', { name: 'Send' }).click();
    const result = form.locator('#send-result');
    const outcome = await eventually(async () => {
      const value = await result.getAttribute('data-outcome');
      return value !== null && value !== 'pending' && value;
    }, 'the answer to the form');
    const id = outcome === 'ok' ? await result.locator('code').innerText() : undefined;
    return { outcome, text: await result.innerText(), id };
  }
}
