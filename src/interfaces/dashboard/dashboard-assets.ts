import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One file of the page, ready to send: read and hashed once at start. */
export interface DashboardAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** What the page needs to know about this server; it is written into index.html. */
export interface DashboardSettings {
  /** The `retry:` delay, so the page can count down to the browser's reconnect. */
  readonly retryMs: number;
  /** HEARTBEAT_MS: a stream silent for twice this long is shown as stalled. */
  readonly heartbeatMs: number;
  /** HISTORY_SIZE: the most the page may ask to `rewind` (the server answers 400 past it). */
  readonly historySize: number;
  /** Whether broadcasting needs a bearer token (never the token itself). */
  readonly tokenRequired: boolean;
  /** Whether JWTs are checked: subscriber tokens and private events mean something. */
  readonly privateTopics: boolean;
}

/**
 * The build compiles only .ts, so the static files are read from the source
 * tree: this resolves to the same folder from src/ (tsx) and from dist/.
 */
export const PUBLIC_DIR = path.resolve(__dirname, '../../../src/interfaces/dashboard/public');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const etagOf = (body: Buffer): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** index.html carries placeholders; every value is a number or a boolean, so nothing can be injected. */
function render(html: string, settings: DashboardSettings): string {
  return html
    .replaceAll('{{RETRY_MS}}', String(settings.retryMs))
    .replaceAll('{{HEARTBEAT_MS}}', String(settings.heartbeatMs))
    .replaceAll('{{HISTORY_SIZE}}', String(settings.historySize))
    .replaceAll('{{TOKEN_REQUIRED}}', String(settings.tokenRequired))
    .replaceAll('{{PRIVATE_TOPICS}}', String(settings.privateTopics));
}

/** Every file of `dir` with a known type, by file name. Throws at start if the folder is missing. */
export function loadDashboardAssets(
  settings: DashboardSettings,
  dir: string = PUBLIC_DIR,
): ReadonlyMap<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = TYPES[path.extname(name)];
    if (contentType === undefined) continue;
    const raw = readFileSync(path.join(dir, name));
    const body = name === 'index.html' ? Buffer.from(render(raw.toString('utf8'), settings)) : raw;
    assets.set(name, { body, contentType, etag: etagOf(body) });
  }
  if (!assets.has('index.html')) throw new Error(`dashboard: no index.html in ${dir}`);
  return assets;
}
