import { expect } from 'chai';
import net from 'node:net';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { eventually } from '../support/wait';

const EVENTS = 40;
const PAYLOAD = 'x'.repeat(200_000);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

for (const fanOut of FANOUT_MODES) {
  describe(`a client that never reads (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    before(
      async () => (service = await startService({ clientBufferBytes: 256 * 1024, maxBodyBytes: 1 << 20, fanOut })),
    );
    after(() => service.stop());

    it('is disconnected once too much waits for it, while 20 others receive everything', async () => {
      const stuck = net.connect(service.port, '127.0.0.1');
      stuck.write('GET /api/v1/sso/stream HTTP/1.1\r\nHost: x\r\n\r\n');
      stuck.pause();
      const stuckState = { closed: false };
      stuck.on('close', () => (stuckState.closed = true));
      const readers = await Promise.all(
        Array.from({ length: 20 }, () => RawSseClient.connect(service.port, '/api/v1/sso/stream')),
      );
      await Promise.all(readers.map((r) => r.waitFor((c) => c.retry !== undefined)));
      expect(await metric(service.url, 'sse_clients ')).to.equal(21);

      // ~8 MB per client: far more than the kernel's socket buffers and the 256 KiB bound.
      for (let n = 0; n < EVENTS; n += 1) {
        const answer = await post(`${service.url}/api/v1/sso/broadcast`, { message: { n, pad: PAYLOAD } });
        expect(answer.status).to.equal(202);
      }
      await Promise.all(readers.map((r) => r.waitForEvents(EVENTS, 20_000)));
      for (const reader of readers) {
        const ns = reader.events.map((e) => (JSON.parse(e.data) as { message: { n: number } }).message.n);
        expect(ns).to.deep.equal(Array.from({ length: EVENTS }, (_, n) => n));
      }
      expect(await metric(service.url, 'sse_clients_dropped_total{reason="slow"}')).to.equal(1);
      expect(await metric(service.url, 'sse_clients ')).to.equal(20);

      // Reading now, the stuck client finds its connection was closed by the server.
      stuck.resume();
      await eventually(() => stuckState.closed, 'the server to have closed the stuck connection', 10_000);
      readers.forEach((r) => r.close());
    });
  });
}
