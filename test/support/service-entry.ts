import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The script that a `start` command such as `node [flags] dist/main.js` runs, or undefined. */
export function entryOfStartScript(start: string): string | undefined {
  return /(?:^|&&\s*|\s)node\s+(?:-\S+\s+)*([^\s-][^\s]*\.[cm]?js)(?:\s|$)/.exec(start)?.[1];
}

/**
 * The built entry point, read from package.json's "start" script at run time,
 * so that moving the entry (dist/interfaces/main.js → dist/main.js) moves every
 * spawner with it.
 */
export function serviceEntry(root = ROOT): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const start = pkg.scripts?.start ?? '';
  const entry = entryOfStartScript(start);
  if (entry === undefined) throw new Error(`package.json "start" runs no node script: ${JSON.stringify(start)}`);
  return path.resolve(root, entry);
}
