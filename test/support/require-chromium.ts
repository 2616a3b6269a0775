import { existsSync } from 'node:fs';

/** Debian's Chromium, which the browser test drives through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Call in a suite's `before` hook. Without Chromium the suite is skipped with
 * one line saying what to install; under `CI=true` it fails instead.
 */
export function requireChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const missing = `${CHROMIUM} is missing: apt-get install chromium`;
  if (process.env.CI === 'true') throw new Error(missing);
  process.stdout.write(`  skipping the browser test: ${missing}\n`);
  context.skip();
}
