import { expect } from 'chai';
import type { FetchLike } from 'eventsource';
import { RecordingEventSource } from '../support/event-source-client';
import { HS_SECRET, hsToken, nowS, publishAs, publisherClaims } from '../support/hub-tokens';
import { startService, type RunningService } from '../support/in-process-service';
import { metricValue } from '../support/replica-set';
import { errorOf, STREAM, streamTarget, StreamClients } from '../support/stream-clients';
import { eventually } from '../support/wait';

const RETRY_MS = 400;

describe('stream rules: heartbeat events, reset, retry spread, turning away', () => {
  let service: RunningService;
  const clients = new StreamClients(() => service.port);
  const sources: RecordingEventSource[] = [];
  const eventSource = async (target: string, names: string[]): Promise<RecordingEventSource> => {
    const es = new RecordingEventSource(`${service.url}${target}`, names);
    sources.push(es);
    await es.waitOpen();
    return es;
  };
  // Taken with a JWT key, ignored without one (broadcasts from loopback are open then).
  let publisher = '';
  before(async () => (publisher = await hsToken(publisherClaims('*'))));
  const publish = (message: string): Promise<string> => publishAs(service.url, publisher, { message });
  afterEach(async () => {
    await service.stop();
    sources.splice(0).forEach((es) => es.close());
    clients.closeAll();
  });

  describe('heartbeat=event', () => {
    beforeEach(async () => (service = await startService({ heartbeatMs: 100, retryMs: 200, jwtKey: HS_SECRET })));

    it('sends named heartbeat events that EventSource listeners see and that leave Last-Event-ID as it was', async () => {
      // The stream ends when its token expires, so the client reconnects: with the id of the real event.
      let token = await hsToken({ exp: nowS() + 3 });
      const asked: (string | undefined)[] = [];
      const withToken: FetchLike = (url, init) => {
        asked.push(init.headers['Last-Event-ID']);
        return fetch(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
      };
      const es = new RecordingEventSource(`${service.url}${streamTarget({ heartbeat: 'event' })}`, ['heartbeat'], {
        fetch: withToken,
      });
      sources.push(es);
      await es.waitFor((r) => r.filter((m) => m.type === 'heartbeat').length >= 2);
      const id = await publish('real');
      await es.waitFor((r) => r.slice(r.findIndex((m) => m.lastEventId === id)).some((m) => m.type === 'heartbeat'));
      token = await hsToken({ exp: nowS() + 600 });
      await es.waitFor(() => es.opened >= 2, 8_000);
      expect(asked[0], 'the first request').to.equal(undefined);
      expect(asked.slice(1), 'every reconnection').to.deep.equal(asked.slice(1).map(() => id));
      const heartbeats = es.received.filter((m) => m.type === 'heartbeat');
      expect(heartbeats.every((m) => m.data === '{}' && m.lastEventId === '')).to.equal(true);
    });

    it('writes them as `event: heartbeat` and `data: {}` only, and comments with the default', async () => {
      const events = await clients.subscribe(streamTarget({ heartbeat: 'event' }));
      const comments = await clients.subscribe(streamTarget({ heartbeat: 'comment' }));
      await events.waitFor((c) => c.events.length >= 2, 3_000, 'two heartbeat events');
      await comments.waitFor((c) => c.comments.length >= 2, 3_000, 'two heartbeat comments');
      expect(events.body).to.match(/^retry: \d+\n\n(event: heartbeat\ndata: \{\}\n\n)+$/);
      expect(events.comments).to.deep.equal([]);
      expect(comments.body).to.match(/^retry: \d+\n\n(:\n)+$/);
    });
  });

  describe('reset', () => {
    beforeEach(async () => (service = await startService({ historySize: 2 })));

    it('carries the id asked for, without an id of its own, to the EventSource listener', async () => {
      const ids = [await publish('m0'), await publish('m1'), await publish('m2')];
      const es = await eventSource(streamTarget({ lastEventId: ids[0]! }), ['reset']);
      await es.waitFor((r) => r.length >= 3);
      expect(es.received).to.deep.equal([
        { type: 'reset', data: JSON.stringify({ reason: 'history-gap', lastEventId: ids[0] }), lastEventId: '' },
        { type: 'message', data: '{"message":"m1"}', lastEventId: ids[1] },
        { type: 'message', data: '{"message":"m2"}', lastEventId: ids[2] },
      ]);
    });
  });

  describe('retry', () => {
    beforeEach(async () => (service = await startService({ retryMs: 1000 })));

    it('spreads RETRY_MS by up to ±20 % per stream', async () => {
      const streams = await Promise.all(Array.from({ length: 40 }, () => clients.subscribe(STREAM)));
      const retries = streams.map((s) => s.retry!);
      for (const retry of retries) expect(retry).to.be.within(800, 1200);
      expect(new Set(retries).size, `${retries.join(' ')}: not all alike`).to.be.greaterThan(10);
      expect(Math.min(...retries), 'some below RETRY_MS').to.be.below(1000);
      expect(Math.max(...retries), 'some above RETRY_MS').to.be.above(1000);
    });
  });

  describe('beyond MAX_CLIENTS', () => {
    beforeEach(async () => (service = await startService({ maxClients: 2, retryMs: RETRY_MS })));

    it('answers an EventSource request 200 with a longer retry, event: unavailable and the end', async () => {
      await clients.subscribe(STREAM);
      await clients.subscribe(STREAM);
      const turned = await clients.connect(STREAM, { Accept: 'application/json, text/event-stream' });
      await turned.waitFor((c) => c.closed, 5_000, 'the end of the answer');
      expect(turned.status).to.equal(200);
      expect(turned.headers['content-type']).to.equal('text/event-stream');
      expect(turned.retry).to.be.within(RETRY_MS, 3 * RETRY_MS);
      expect(turned.events).to.deep.equal([{ id: undefined, event: 'unavailable', data: '{"reason":"capacity"}' }]);
      expect(turned.body).to.match(/^retry: \d+\n\nevent: unavailable\ndata: \{"reason":"capacity"\}\n\n$/);
    });

    it('answers other requests 503 with Retry-After and the JSON error shape', async () => {
      await clients.subscribe(STREAM);
      await clients.subscribe(STREAM);
      for (const accept of ['application/json', '*/*']) {
        const refused = await clients.connect(STREAM, { Accept: accept });
        expect(refused.status, accept).to.equal(503);
        expect(refused.headers['retry-after'], accept).to.match(/^[1-9]\d*$/);
        expect(errorOf(refused), accept).to.include({ success: false, code: 503 });
      }
    });

    it('lets the real eventsource client come back by itself and get in once a slot is free', async () => {
      const first = await clients.subscribe(STREAM);
      await clients.subscribe(STREAM);
      const es = await eventSource(STREAM, ['unavailable']);
      await es.waitFor((r) => r.filter((m) => m.type === 'unavailable').length >= 2, 5_000);
      expect(es.received.every((m) => m.type === 'unavailable' && m.data === '{"reason":"capacity"}')).to.equal(true);
      const clientsNow = async (): Promise<number | undefined> => metricValue(service.url, 'sse_clients');
      first.close();
      await eventually(async () => (await clientsNow()) === 1, 'the slot to be free');
      await eventually(async () => (await clientsNow()) === 2, 'the eventsource client to take it', 10_000);
      const id = await publish('in');
      await es.waitFor((r) => r.some((m) => m.lastEventId === id));
      expect(es.source.readyState).to.equal(es.source.OPEN);
    });
  });
});
