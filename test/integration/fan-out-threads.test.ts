import { expect } from 'chai';
import net from 'node:net';
import { PARALLEL_MIN, SweepPool } from '../../src/interfaces/http/sse/fanout/sweep-pool';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { eventually } from '../support/wait';

const STREAM = '/api/v1/sso/stream';
/** Enough clients that every sweep is shared with the helpers (when there are any). */
const CLIENTS = PARALLEL_MIN + 44;
/** Small events, and large ones that outgrow the shared frame buffer the pool starts with. */
const SIZES = [10, 80_000, 10, 10, 200_000, 10, 80_000, 10, 10, 10];

const messageOf = (data: string): { n: number; pad: string } =>
  (JSON.parse(data) as { message: { n: number; pad: string } }).message;

for (const threads of [0, 2]) {
  describe(`fan-out to ${CLIENTS} streams with FANOUT_THREADS=${threads}`, () => {
    let service: RunningService;
    let clients: RawSseClient[];
    const ids: string[] = [];

    before(async () => {
      service = await startService({ fanOutThreads: threads, maxBodyBytes: 1 << 20, clientBufferBytes: 64 << 20 });
      clients = [];
      for (let i = 0; i < CLIENTS; i += 1) clients.push(await RawSseClient.connect(service.port, STREAM));
      await Promise.all(clients.map((c) => c.waitFor((x) => x.retry !== undefined)));
    });
    after(async () => {
      clients.forEach((c) => c.close());
      await service.stop();
    });

    it('gets every event to every client once, whole and in order, a paused reader and an HTTP/1.0 one included', async () => {
      const paused = clients[7]!;
      paused.socket.pause();
      const old = net.connect(service.port, '127.0.0.1');
      let oldText = '';
      old.on('data', (b: Buffer) => (oldText += b.toString()));
      old.write(`GET ${STREAM} HTTP/1.0\r\n\r\n`);
      await eventually(() => oldText.includes('retry:'), 'the HTTP/1.0 stream to open');
      for (const [n, size] of SIZES.entries()) {
        const answer = await post(`${service.url}/api/v1/sso/broadcast`, { message: { n, pad: 'p'.repeat(size) } });
        expect(answer.status).to.equal(202);
        ids.push(answer.json.id as string);
      }
      paused.socket.resume();
      await Promise.all(clients.map((c) => c.waitForEvents(SIZES.length, 20_000)));
      for (const client of clients) {
        expect(client.events.map((e) => e.id)).to.deep.equal(ids);
        expect(client.events.map((e) => messageOf(e.data).n)).to.deep.equal(SIZES.map((_, n) => n));
        expect(client.events.map((e) => messageOf(e.data).pad.length)).to.deep.equal(SIZES);
      }
      await eventually(
        () => oldText.includes(`"n":${SIZES.length - 1},`),
        'the last event on the HTTP/1.0 stream',
        20_000,
      );
      expect(oldText).not.to.match(/transfer-encoding/i);
      expect([...oldText.matchAll(/^id: (.+)$/gm)].map((m) => m[1])).to.deep.equal(ids);
      old.destroy();
    });

    it(`${threads === 0 ? 'runs no helper threads' : `runs ${threads} helper threads that share the sweeps`}, as /metrics shows`, async () => {
      const series = async (): Promise<[number, number]> => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const value = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
        return [value('sse_fanout_helper_threads'), value('sse_fanout_helper_writes_total')];
      };
      if (threads === 0) return void expect(await series()).to.deep.equal([0, 0]);
      // Helpers may wake too late for a given sweep: publish until one has taken part.
      await eventually(async () => {
        await post(`${service.url}/api/v1/sso/broadcast`, { message: 'more' });
        const [alive, writes] = await series();
        return alive === threads && writes > 0;
      }, 'the helpers to take part');
      expect(service.container.get(SweepPool).threads).to.equal(threads);
    });
  });
}
