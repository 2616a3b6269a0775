import amqp from 'amqplib';
import { RABBITMQ_URL, rabbitMqAddress, rabbitMqUrlVia } from '../support/require-rabbitmq';
import { TcpProxy } from '../support/tcp-proxy';

/** The names one mode's run declares on the broker, deleted at the end. */
export interface BrokerNames {
  readonly exchange: string;
  readonly stream: string;
}

/**
 * Where the replicas reach RabbitMQ and which broker faults the harness can
 * cause. This is the seam for `--cluster`: a three-node target would hand each
 * replica (and a publishing fetcher, if one is added) the comma list of its
 * proxied node URLs, and add a fault that SIGKILLs the stream's leader node and
 * restarts it; the run and the schedule only see this interface.
 */
export interface BrokerTarget {
  /** AMQP_URL for replica `index`: a path to the broker that `cut` can break. */
  amqpUrl(index: number): string;
  /** Drops every connection of that replica to the broker and refuses new ones until `restore`. */
  cut(index: number): void;
  restore(index: number): void;
  /** Deletes the stream queue and the exchange; call once no replica is left to declare them again. */
  deleteNames(names: BrokerNames): Promise<void>;
  close(): Promise<void>;
}

/** The single local node (AMQP_URL or 127.0.0.1:5672), one TcpProxy per replica. */
export class SingleNodeBroker implements BrokerTarget {
  private constructor(private readonly proxies: readonly TcpProxy[]) {}

  static async start(replicas: number): Promise<SingleNodeBroker> {
    const { host, port } = rabbitMqAddress();
    return new SingleNodeBroker(await Promise.all(Array.from({ length: replicas }, () => TcpProxy.start(port, host))));
  }

  amqpUrl(index: number): string {
    return rabbitMqUrlVia(this.proxy(index).port);
  }

  cut(index: number): void {
    this.proxy(index).cut();
  }

  restore(index: number): void {
    this.proxy(index).restore();
  }

  async deleteNames(names: BrokerNames): Promise<void> {
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      // Both are no-ops for a name that does not exist (exclusive mode declares no stream).
      await channel.deleteQueue(names.stream);
      await channel.deleteExchange(names.exchange);
    } finally {
      await connection.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
  }

  private proxy(index: number): TcpProxy {
    const proxy = this.proxies[index];
    if (proxy === undefined) throw new Error(`no broker proxy for replica ${index}`);
    return proxy;
  }
}
