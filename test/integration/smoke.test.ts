import { expect } from 'chai';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';

describe('smoke', () => {
  let service: RunningService;
  before(async () => (service = await startService()));
  after(() => service.stop());

  it('delivers a broadcast to a raw stream client', async () => {
    const client = await RawSseClient.connect(service.port, '/api/v1/sso/stream');
    await client.waitFor((c) => c.retry !== undefined);
    const answer = await post(`${service.url}/api/v1/sso/broadcast`, { message: 'hello' });
    expect(answer.status).to.equal(202);
    await client.waitForEvents(1);
    expect(client.events[0]).to.deep.equal({ id: answer.json.id, event: undefined, data: '{"message":"hello"}' });
    client.close();
  });
});
