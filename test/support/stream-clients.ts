import { RawSseClient, type SseMessage } from './raw-sse-client';

export const STREAM = '/api/v1/sso/stream';
export const BROADCAST = '/api/v1/sso/broadcast';

/** The stream path with `query` (values URL-encoded; repeated keys from arrays; undefined ones left out). */
export function streamTarget(query: Readonly<Record<string, string | readonly string[] | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of typeof value === 'string' ? [value] : value) params.append(name, one);
  }
  const text = params.toString();
  return text === '' ? STREAM : `${STREAM}?${text}`;
}

/** The `message` of each event with an id (the hub's own control events have none). */
export const messagesOf = (client: RawSseClient): unknown[] =>
  client.events.filter((e) => e.id !== undefined).map((e) => (JSON.parse(e.data) as { message: unknown }).message);

/** The ids of the events a client got, control events (no id) left out. */
export const idsOf = (client: RawSseClient): string[] =>
  client.events.flatMap((e: SseMessage) => (e.id === undefined ? [] : [e.id]));

/** The JSON body of a refused stream request (the error shape of SPEC.md). */
export const errorOf = (client: RawSseClient): { success?: unknown; code?: unknown; message?: unknown } =>
  JSON.parse(client.body) as { success?: unknown; code?: unknown; message?: unknown };

/** The raw stream clients of one suite, opened against one port and closed together. */
export class StreamClients {
  private readonly opened: RawSseClient[] = [];

  constructor(private readonly port: () => number) {}

  /** Connects and waits for the response head (any status). */
  async connect(target: string, headers: Record<string, string> = {}): Promise<RawSseClient> {
    const client = await RawSseClient.connect(this.port(), target, headers);
    this.opened.push(client);
    await client.waitFor((c) => c.status !== 0, 5_000, `the response head of ${target}`);
    return client;
  }

  /** Connects and waits for the `retry:` line: the stream is open and registered. */
  async subscribe(target: string, headers: Record<string, string> = {}): Promise<RawSseClient> {
    const client = await this.connect(target, headers);
    await client.waitFor((c) => c.retry !== undefined || c.closed, 5_000, `the retry line of ${target}`);
    if (client.status !== 200 || client.retry === undefined) {
      throw new Error(`${target}: expected an open stream, got ${client.status}: ${client.body.slice(0, 300)}`);
    }
    return client;
  }

  closeAll(): void {
    this.opened.splice(0).forEach((c) => c.close());
  }
}
