import { describeEndpoint } from './amqp-endpoint';

/** AMQP_URL as given: one URL, or a comma list naming the nodes of one cluster. */
export function splitAmqpUrls(urls: string | readonly string[]): string[] {
  const list = typeof urls === 'string' ? urls.split(',') : urls;
  return list.map((url) => url.trim()).filter((url) => url !== '');
}

/** `host:port` of a node, for metric labels: no credentials, no vhost. */
export function nodeLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'amqps:' ? '5671' : '5672') : parsed.port;
    return `${parsed.hostname}:${port}`;
  } catch {
    return '(unparseable AMQP URL)';
  }
}

/**
 * The nodes the bus may connect to, and the one it tries now. It starts at
 * one at random, so that replicas given the same list spread over the
 * cluster, and moves on to the next in turn whenever its node fails it (an
 * attempt that fails, a connection lost): any node of a cluster serves the
 * exchange and the stream, and the one that just failed is the likeliest to
 * be down. URLs carry passwords: only `endpoint` and `label` may be shown.
 */
export class AmqpNodes {
  private readonly urls: readonly string[];
  private index: number;
  private current: string;

  constructor(urls: string | readonly string[], random: () => number = Math.random) {
    this.urls = splitAmqpUrls(urls);
    this.index = Math.min(this.urls.length - 1, Math.floor(random() * this.urls.length));
    const first = this.urls[this.index];
    if (first === undefined) throw new Error('AmqpNodes needs at least one URL');
    this.current = first;
  }

  /** How many nodes are listed. */
  get count(): number {
    return this.urls.length;
  }

  /** The URL to connect to now (holds the password: for amqplib only). */
  get url(): string {
    return this.current;
  }

  /** Host, port and vhost of the current node, for logs and readiness reasons. */
  get endpoint(): string {
    return describeEndpoint(this.url);
  }

  /** `host:port` of the current node. */
  get label(): string {
    return nodeLabel(this.url);
  }

  /** `host:port` of every node, in the order listed. */
  get labels(): string[] {
    return this.urls.map(nodeLabel);
  }

  /** The next node in turn becomes the current one (the same one when only one is listed). */
  advance(): void {
    this.index = (this.index + 1) % this.urls.length;
    this.current = this.urls[this.index] ?? this.current;
  }
}
