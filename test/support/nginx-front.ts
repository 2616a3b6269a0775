import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { NGINX } from './require-nginx';
import { eventually } from './wait';

/** The template docker-compose.yml mounts into the nginx image: the tested config is the deployed one. */
export const NGINX_TEMPLATE = path.resolve(__dirname, '../../deploy/nginx/templates/default.conf.template');

/**
 * What the nginx image's envsubst does to the template: replaces each
 * `${NAME}` given in `values`. Throws if one is left, so a placeholder added
 * to the template cannot go untested.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const rendered = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole);
  const left = /\$\{[A-Z0-9_]+\}/.exec(rendered);
  if (left !== null) throw new Error(`the nginx template has a placeholder the test does not fill: ${left[0]}`);
  return rendered;
}

/**
 * The rest of what the nginx image provides around conf.d: a main config that
 * includes the rendered server block, with every path under `prefix`.
 */
function mainConfig(prefix: string, siteFile: string): string {
  const runAs = process.getuid?.() === 0 ? 'user root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${path.join(prefix, `${kind}_temp`)};`)
    .join('\n');
  return `${runAs}worker_processes 1;
events { worker_connections 1024; }
http {
  access_log ${path.join(prefix, 'access.log')};
${temp}
  include ${siteFile};
}
`;
}

export interface NginxFront {
  readonly port: number;
  readonly url: string;
  /** What nginx wrote to its error log and to stderr. */
  output(): string;
  /** What nginx wrote to stdout: the template's access log. */
  accessLog(): string;
  stop(): Promise<void>;
}

/** Starts Debian's nginx in the foreground on a free loopback port, proxying to `replicas` (host:port). */
export async function startNginxFront(replicas: readonly [string, string]): Promise<NginxFront> {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'sse-hub-nginx-'));
  const port = await freePort();
  const site = renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    NGINX_LISTEN: `127.0.0.1:${port}`,
    SSE_REPLICA_1: replicas[0],
    SSE_REPLICA_2: replicas[1],
  });
  const siteFile = path.join(prefix, 'sse-hub.conf');
  const confFile = path.join(prefix, 'nginx.conf');
  const errorLog = path.join(prefix, 'error.log');
  writeFileSync(siteFile, site);
  writeFileSync(confFile, mainConfig(prefix, siteFile));
  const globals = `daemon off; pid ${path.join(prefix, 'nginx.pid')}; error_log ${errorLog} warn;`;
  // stdout and stderr are files, as a container's are streams: the template logs to /dev/stdout and
  // /dev/stderr, which nginx opens by name (a node pipe is a socket, which cannot be opened that way).
  const stdoutFile = path.join(prefix, 'stdout.log');
  const stderrFile = path.join(prefix, 'stderr.log');
  const [stdoutFd, stderrFd] = [openSync(stdoutFile, 'a'), openSync(stderrFile, 'a')];
  const child = spawn(NGINX, ['-e', errorLog, '-p', prefix, '-c', confFile, '-g', globals], {
    stdio: ['ignore', stdoutFd, stderrFd],
  });
  closeSync(stdoutFd);
  closeSync(stderrFd);
  const output = (): string => `${readIfThere(stderrFile)}${readIfThere(errorLog)}`;
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    await stopChild(child, exited);
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await untilAnswering(`http://127.0.0.1:${port}/healthz`, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `http://127.0.0.1:${port}`, output, accessLog: () => readIfThere(stdoutFile), stop };
}

/** What nginx wrote to `file` so far; nothing if it has not written it yet. */
function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Polls `url` until nginx answers it with 200 (a replica behind it is up); fails at once if nginx exits. */
async function untilAnswering(url: string, child: ChildProcess, output: () => string, timeoutMs = 5_000) {
  const up = async (): Promise<boolean> => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited:\n${output()}`);
    return (
      (await fetch(url).then(
        (r) => r.status,
        () => 0,
      )) === 200
    );
  };
  await eventually(up, () => `nginx to answer ${url}:\n${output()}`, timeoutMs);
}

/** SIGQUIT is nginx's graceful stop; open streams would hold it, so SIGTERM (fast stop) it is. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
