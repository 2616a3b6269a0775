import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from '../support/require-chromium';
import type { ServiceProcess } from '../support/service-process';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Debian's headless Chromium, quiet: no update checks or sync traffic beside the page's own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** Events the service has published so far (`sse_events_published_total` in its /metrics). */
export async function publishedEvents(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return Number(/^sse_events_published_total (\d+)/m.exec(text)?.[1] ?? '0');
}
