/**
 * Where the bus connects, for logs and readiness reasons: host, port and vhost
 * only. The URL itself carries the password and is never logged.
 */
export function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    const vhost = parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : '/';
    const port = parsed.port === '' ? (parsed.protocol === 'amqps:' ? '5671' : '5672') : parsed.port;
    return `${parsed.hostname}:${port} vhost ${vhost}`;
  } catch {
    return '(unparseable AMQP URL)';
  }
}

/**
 * The URL with a heartbeat unless it names one: the default the broker offers
 * (60 s) would leave a silently dead connection looking alive for minutes.
 */
export function withHeartbeat(url: string, seconds: number): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
    return parsed.toString();
  } catch {
    return url;
  }
}
