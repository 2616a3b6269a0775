import amqp from 'amqplib';
import type { BrokerNames, BrokerTarget } from './broker-target';
import type { NodeTarget } from './fault-schedule';
import { CLUSTER_URLS, NODES, nodeUrl, type NodeNumber, type RabbitMqCluster } from './rabbitmq-cluster';

/** The node each replica's bus is on, read from its `/metrics` (`sse_bus_node{node="127.0.0.1:568N"} 1`). */
export async function nodesInUse(urls: readonly (string | undefined)[]): Promise<NodeNumber[]> {
  const found: NodeNumber[] = [];
  for (const url of urls) {
    if (url === undefined) continue;
    // A replica that is down or restarting counts for nothing.
    const text = await fetch(`${url}/metrics`).then(
      (response) => response.text(),
      () => '',
    );
    const match = /^sse_bus_node\{node="127\.0\.0\.1:568([123])"\} 1$/m.exec(text);
    if (match !== null) found.push(Number(match[1]) as NodeNumber);
  }
  return found;
}

/** Nodes by how many replicas use them, most first (ties: lower number first). */
function byUse(used: readonly NodeNumber[], among: readonly NodeNumber[]): NodeNumber[] {
  const count = (n: NodeNumber): number => used.filter((u) => u === n).length;
  return [...among].sort((a, b) => count(b) - count(a) || a - b);
}

/**
 * Which node a node fault strikes. `leader`: the stream's leader; in
 * exclusive mode, where there is no stream, the node most replicas use
 * (killing it costs the most). `other`: of the remaining nodes, the one most
 * replicas use, so that the kill still takes connections with it.
 */
export function pickNode(target: NodeTarget, leader: NodeNumber | undefined, used: readonly NodeNumber[]): NodeNumber {
  const first = leader ?? byUse(used, NODES)[0]!;
  if (target === 'leader') return first;
  return byUse(
    used,
    NODES.filter((n) => n !== first),
  )[0]!;
}

/** The three-node cluster as the replicas' broker: every replica gets every node; no proxies, so no cuts. */
export class ClusterBroker implements BrokerTarget {
  constructor(readonly cluster: RabbitMqCluster) {}

  amqpUrl(): string {
    return CLUSTER_URLS;
  }

  cut(): void {
    throw new Error('the cluster target cuts nothing: its faults are node kills');
  }

  restore(): void {
    throw new Error('the cluster target cuts nothing: its faults are node kills');
  }

  /** On the first node that runs. */
  async deleteNames(names: BrokerNames): Promise<void> {
    const up = await this.cluster.running();
    const node = up[0];
    if (node === undefined) return;
    const connection = await amqp.connect(nodeUrl(node));
    try {
      const channel = await connection.createChannel();
      await channel.deleteQueue(names.stream);
      await channel.deleteExchange(names.exchange);
    } finally {
      await connection.close();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
