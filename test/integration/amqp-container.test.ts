import { expect } from 'chai';
import amqp from 'amqplib';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { RABBITMQ_URL, requireRabbitMq } from '../support/require-rabbitmq';
import { eventually } from '../support/wait';

const EXCHANGE = `test-wiring-${process.pid}-${Date.now()}`;

describe('composition root with AMQP_URL', () => {
  requireRabbitMq();

  let service: RunningService | undefined;
  before(async () => (service = await startService({ amqpUrl: RABBITMQ_URL, amqpExchange: EXCHANGE })));
  after(async () => {
    if (service === undefined) return;
    await service.stop();
    const connection = await amqp.connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    await channel.deleteExchange(EXCHANGE);
    await channel.deleteQueue(`${EXCHANGE}.stream`);
    await connection.close();
  });

  it('serves through the RabbitMQ bus: ready, and a broadcast comes back over the exchange', async () => {
    const { port, url } = service!;
    // Stream mode (the default): ready once the history is loaded from the stream.
    await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, 'the service to be ready');
    const client = await RawSseClient.connect(port, '/api/v1/sso/stream');
    await client.waitFor((c) => c.retry !== undefined);
    const answer = await post(`${url}/api/v1/sso/broadcast`, { message: 'via rabbitmq' });
    expect(answer.status).to.equal(202);
    await client.waitForEvents(1);
    expect(client.events[0]).to.deep.equal({
      id: answer.json.id,
      event: undefined,
      data: '{"message":"via rabbitmq"}',
    });
    client.close();
  });
});
