import { expect } from 'chai';
import net from 'node:net';
import { post } from '../support/http';
import { RecordingEventSource } from '../support/event-source-client';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { eventually } from '../support/wait';

const STREAM = '/api/v1/sso/stream';

/** A stream's body without its first line, `retry:` (spread at random per stream). */
const withoutRetry = (body: string): string => body.replace(/^retry: \d+\n\n/, '');

for (const fanOut of FANOUT_MODES) {
  describe(`GET /api/v1/sso/stream (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    const clients: { close(): void }[] = [];
    const connect = async (target = STREAM, headers: Record<string, string> = {}): Promise<RawSseClient> => {
      const client = await RawSseClient.connect(service.port, target, headers);
      clients.push(client);
      await client.waitFor((c) => c.status !== 0, 5_000, 'response head');
      return client;
    };
    const broadcast = async (body: Record<string, unknown>): Promise<string> => {
      const answer = await post(`${service.url}/api/v1/sso/broadcast`, body);
      expect(answer.status, JSON.stringify(answer.json)).to.equal(202);
      return answer.json.id as string;
    };

    before(async () => (service = await startService({ retryMs: 2500, fanOut })));
    afterEach(() => clients.splice(0).forEach((c) => c.close()));
    after(() => service.stop());

    it('answers with the event-stream headers and flushes the retry line before any event', async () => {
      const client = await connect(STREAM, { 'Accept-Encoding': 'gzip, br' });
      await client.waitFor((c) => c.retry !== undefined, 5_000, 'retry line');
      expect(client.status).to.equal(200);
      expect(client.headers['content-type']).to.equal('text/event-stream');
      expect(client.headers['cache-control']).to.equal('no-cache');
      expect(client.headers['x-accel-buffering']).to.equal('no');
      expect(client.headers['transfer-encoding']).to.equal('chunked');
      expect(client.headers).not.to.have.property('content-encoding');
      const firstBody = client.raw.subarray(client.raw.indexOf('\r\n\r\n') + 4).toString('latin1');
      expect(firstBody).to.match(/^[0-9a-f]+\r\nretry: \d+\n\n\r\n$/);
      expect(client.retry).to.be.within(2000, 3000); // RETRY_MS spread by ±20 % per stream
      expect(client.events).to.have.length(0);
    });

    it('delivers broadcasts to the real eventsource client with their ids', async () => {
      const es = new RecordingEventSource(`${service.url}${STREAM}`);
      clients.push(es);
      await es.waitOpen();
      const first = await broadcast({ message: 'hello' });
      const second = await broadcast({ message: { n: 2 } });
      await es.waitFor((r) => r.length === 2);
      expect(es.received).to.deep.equal([
        { type: 'message', data: '{"message":"hello"}', lastEventId: first },
        { type: 'message', data: '{"message":{"n":2}}', lastEventId: second },
      ]);
      expect(first < second, 'ids sort in publish order').to.equal(true);
    });

    it('frames an event byte for byte, and a value with line breaks cannot inject fields', async () => {
      const client = await connect();
      const evil = 'line one\nline two\r\n\r\nid: forged\ndata: injected\r';
      const id = await broadcast({ message: evil, event: 'note' });
      await client.waitForEvents(1);
      const json = JSON.stringify({ message: evil });
      expect(withoutRetry(client.body)).to.equal(`id: ${id}\nevent: note\ndata: ${json}\n\n`);
      expect(client.events).to.deep.equal([{ id, event: 'note', data: json }]);
    });

    it('sends only the topics asked for, exact and by prefix', async () => {
      const rates = await connect(`${STREAM}?topic=rates.*`);
      const news = await connect(`${STREAM}?topic=news.world&topic=broadcast`);
      const everything = await connect(`${STREAM}?topic=*`);
      await broadcast({ message: 1, topic: 'rates.BTC-USD' });
      await broadcast({ message: 2, topic: 'news.world' });
      await broadcast({ message: 3 });
      await broadcast({ message: 4, topic: 'news.worldwide' });
      await everything.waitForEvents(4);
      const messages = (c: RawSseClient) => c.events.map((e) => (JSON.parse(e.data) as { message: number }).message);
      await news.waitForEvents(2);
      expect(messages(rates)).to.deep.equal([1]);
      expect(messages(news)).to.deep.equal([2, 3]);
      expect(messages(everything)).to.deep.equal([1, 2, 3, 4]);
    });

    it('serves the same stream through the router for variants of the path', async () => {
      const client = await connect(`${STREAM}/?topic=broadcast`);
      await client.waitFor((c) => c.retry !== undefined);
      const id = await broadcast({ message: 'via koa' });
      await client.waitForEvents(1);
      expect(client.status).to.equal(200);
      expect(client.events).to.deep.equal([{ id, event: undefined, data: '{"message":"via koa"}' }]);
    });

    it('replays to an HTTP/1.0 client without any chunk framing, several events in one write', async () => {
      const first = await broadcast({ message: 'one' });
      const second = await broadcast({ message: 'two' });
      const third = await broadcast({ message: 'three' });
      const socket = net.connect(service.port, '127.0.0.1');
      clients.push({ close: () => socket.destroy() });
      let text = '';
      socket.on('data', (b: Buffer) => (text += b.toString()));
      socket.write(`GET ${STREAM}?lastEventId=${first} HTTP/1.0\r\n\r\n`);
      await eventually(() => text.includes('three'), 'the replay');
      expect(withoutRetry(text.slice(text.indexOf('\r\n\r\n') + 4))).to.equal(
        `id: ${second}\ndata: {"message":"two"}\n\nid: ${third}\ndata: {"message":"three"}\n\n`,
      );
    });

    it('answers 400, in turn, to a stream request pipelined behind another on one connection', async () => {
      const socket = net.connect(service.port, '127.0.0.1');
      clients.push({ close: () => socket.destroy() });
      let text = '';
      socket.on('data', (b: Buffer) => (text += b.toString()));
      const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
      socket.write(get('/healthz') + get(STREAM));
      await eventually(() => text.includes('pipelined'), 'the answer to the pipelined stream request');
      expect(text).to.match(/^HTTP\/1\.1 200 OK\r\n[\s\S]*HTTP\/1\.1 400 Bad Request\r\n/);
      expect(text).not.to.include('retry:');
    });

    it('answers a HEAD of the stream pipelined behind another request as it would alone', async () => {
      const socket = net.connect(service.port, '127.0.0.1');
      clients.push({ close: () => socket.destroy() });
      let text = '';
      socket.on('data', (b: Buffer) => (text += b.toString()));
      socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD ${STREAM} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await eventually(() => text.includes('text/event-stream'), 'the answer to the HEAD');
      expect(text).to.match(/^HTTP\/1\.1 200 OK\r\n[\s\S]*HTTP\/1\.1 200 OK\r\n/);
    });

    it('subscribes one stream per connection: a second one pipelined behind it gets nothing', async () => {
      const socket = net.connect(service.port, '127.0.0.1');
      clients.push({ close: () => socket.destroy() });
      let text = '';
      socket.on('data', (b: Buffer) => (text += b.toString()));
      socket.write(`GET ${STREAM} HTTP/1.1\r\nHost: x\r\n\r\nGET ${STREAM} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await eventually(() => text.includes('retry:'), 'the first stream to open');
      const id = await broadcast({ message: 'once' });
      await eventually(() => text.includes(id), 'the event on the stream');
      expect(text.split(`id: ${id}`)).to.have.length(2);
      expect(text.match(/HTTP\/1\.1/g)).to.have.length(1);
    });

    it('answers HEAD with the stream headers and no body, after the checks a GET gets', async () => {
      const response = await fetch(`${service.url}${STREAM}?topic=news&rewind=5`, { method: 'HEAD' });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/event-stream');
      expect(await response.text()).to.equal('');
      for (const query of ['topic=bad%20topic', 'rewind=-1', 'heartbeat=loud']) {
        const refused = await fetch(`${service.url}${STREAM}?${query}`, { method: 'HEAD' });
        expect(refused.status, query).to.equal(400);
        expect(await refused.text()).to.equal('');
      }
    });

    it('refuses an invalid topic with the JSON error shape', async () => {
      for (const topic of ['bad topic', '', 'x'.repeat(129), 'a*b', 'ünicode']) {
        const response = await fetch(`${service.url}${STREAM}?topic=${encodeURIComponent(topic)}`);
        expect(response.status, topic).to.equal(400);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).to.include({ success: false, code: 400 });
        expect(body.message).to.be.a('string').and.match(/topic/);
      }
    });

    it('never compresses and answers HTTP/1.0 clients without chunked framing', async () => {
      const socket = net.connect(service.port, '127.0.0.1');
      clients.push({ close: () => socket.destroy() });
      socket.write(`GET ${STREAM} HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n`);
      let text = '';
      socket.on('data', (b: Buffer) => (text += b.toString()));
      // Subscribed once the head and the retry: line are out; a broadcast before that would not be for this client.
      await eventually(() => text.includes('retry:'), 'the response head and the retry: line');
      const id = await broadcast({ message: 'old client' });
      await eventually(() => text.includes('old client'), 'the broadcast on the HTTP/1.0 stream');
      expect(text).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(text).not.to.match(/transfer-encoding|content-encoding/i);
      expect(withoutRetry(text.slice(text.indexOf('\r\n\r\n') + 4))).to.equal(
        `id: ${id}\ndata: {"message":"old client"}\n\n`,
      );
    });
  });
}
