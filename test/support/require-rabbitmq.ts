import amqp from 'amqplib';
import { describeEndpoint } from '../../src/infrastructure/bus/amqp-endpoint';

/** The broker the integration tests use (SPEC.md): `AMQP_URL`, else the local default. */
export const RABBITMQ_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** The same broker (credentials, vhost) reached through `port` on loopback, e.g. a TcpProxy. */
export function rabbitMqUrlVia(port: number): string {
  const url = new URL(RABBITMQ_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** Host and port of RABBITMQ_URL, for a TcpProxy to forward to. */
export function rabbitMqAddress(): { host: string; port: number } {
  const url = new URL(RABBITMQ_URL);
  return { host: url.hostname, port: url.port === '' ? 5672 : Number(url.port) };
}

let probe: Promise<string | undefined> | undefined;
let announced = false;

/** Why RabbitMQ cannot be used, or undefined if a real AMQP handshake succeeds (checked once per run). */
function rabbitMqProblem(): Promise<string | undefined> {
  probe ??= amqp.connect(RABBITMQ_URL, { timeout: 3_000 }).then(
    async (connection) => {
      await connection.close();
      return undefined;
    },
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return probe;
}

/**
 * Call inside a `describe`: before its tests, checks that RabbitMQ answers.
 * If not, the suite is skipped with one line saying what to start, or fails
 * under CI=true (where a missing broker is a broken pipeline, not a choice).
 */
export function requireRabbitMq(): void {
  before(async function () {
    this.timeout(10_000);
    const problem = await rabbitMqProblem();
    if (problem === undefined) return;
    const where = describeEndpoint(RABBITMQ_URL);
    if (process.env.CI === 'true') throw new Error(`CI=true needs RabbitMQ at ${where}: ${problem}`);
    if (!announced) {
      announced = true;
      process.stderr.write(
        `SKIPPING the RabbitMQ suites: no broker at ${where} (${problem}). ` +
          'Install and start one (apt-get install rabbitmq-server, or docker run -p 5672:5672 rabbitmq:4) or set AMQP_URL.\n',
      );
    }
    this.skip();
  });
}
