import { existsSync } from 'node:fs';

/** Debian's nginx, which the front test starts on loopback in front of local replicas. */
export const NGINX = '/usr/sbin/nginx';

/**
 * Call in a suite's `before` hook. Without nginx the suite is skipped with one
 * line saying what to install; under `CI=true` it fails instead.
 */
export function requireNginx(context: Mocha.Context): void {
  if (existsSync(NGINX)) return;
  const missing = `${NGINX} is missing: apt-get install nginx`;
  if (process.env.CI === 'true') throw new Error(missing);
  process.stdout.write(`  skipping the nginx front test: ${missing}\n`);
  context.skip();
}
