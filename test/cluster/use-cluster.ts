import { clusterProblem, CLUSTER_SCRIPT, RabbitMqCluster } from '../chaos/rabbitmq-cluster';

/**
 * Call inside the one `describe` that needs the three-node cluster: starts it
 * once before its tests (about 20 s, longer on a busy machine) and stops it
 * after them. Without the script or rabbitmq-server (or root), the suite is
 * skipped with one line saying what is missing, or fails under CI=true.
 */
export function useRabbitMqCluster(): RabbitMqCluster {
  const cluster = new RabbitMqCluster();
  before(async function () {
    this.timeout(240_000);
    const problem = clusterProblem();
    if (problem !== undefined) {
      if (process.env.CI === 'true') throw new Error(`CI=true needs the three-node RabbitMQ cluster: ${problem}`);
      console.error(`SKIPPING the RabbitMQ cluster suite: ${problem} (the cluster comes from ${CLUSTER_SCRIPT})`);
      this.skip();
    }
    await cluster.start();
  });
  after(async function () {
    this.timeout(240_000);
    await cluster.stop();
  });
  return cluster;
}
