import { expect } from 'chai';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';

const STREAM = '/api/v1/sso/stream';

describe('stream policies', () => {
  let service: RunningService;
  const clients: RawSseClient[] = [];
  const connect = async (headers: Record<string, string> = {}): Promise<RawSseClient> => {
    const client = await RawSseClient.connect(service.port, STREAM, headers);
    clients.push(client);
    await client.waitFor((c) => c.status !== 0);
    return client;
  };
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await service.stop();
  });

  it('sends a comment heartbeat on idle streams every HEARTBEAT_MS', async () => {
    service = await startService({ heartbeatMs: 100 });
    const client = await connect();
    await client.waitFor((c) => c.comments.length >= 3, 3_000, 'three heartbeats');
    expect(client.events).to.have.length(0);
    expect(client.body).to.match(/^retry: \d+\n\n(:\n)+$/);
  });

  it('answers 503 with the JSON error shape beyond MAX_CLIENTS, and takes a client again once one leaves', async () => {
    service = await startService({ maxClients: 2 });
    const first = await connect();
    await connect();
    const refused = await fetch(`${service.url}${STREAM}`);
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    expect(await refused.json()).to.include({ success: false, code: 503 });
    first.close();
    await first.waitFor((c) => c.closed);
    const deadline = Date.now() + 3_000;
    let again: RawSseClient | undefined;
    while (again?.status !== 200 && Date.now() < deadline) {
      again?.close();
      again = await connect();
    }
    expect(again?.status).to.equal(200);
  });

  it('allows any origin with CORS_ORIGINS=*', async () => {
    service = await startService();
    const client = await connect({ Origin: 'https://anywhere.example' });
    expect(client.headers['access-control-allow-origin']).to.equal('*');
  });

  it('echoes a listed origin and leaves the header out for any other', async () => {
    service = await startService({ corsOrigins: ['https://a.example', 'http://localhost:3000'] });
    const listed = await connect({ Origin: 'http://localhost:3000' });
    const unlisted = await connect({ Origin: 'https://evil.example' });
    expect(listed.status).to.equal(200);
    expect(listed.headers['access-control-allow-origin']).to.equal('http://localhost:3000');
    expect(listed.headers.vary).to.equal('Origin');
    expect(unlisted.status, 'the stream is still served').to.equal(200);
    expect(unlisted.headers).not.to.have.property('access-control-allow-origin');
  });
});
