import { expect } from 'chai';
import type { FetchLike } from 'eventsource';
import { RecordingEventSource } from '../support/event-source-client';
import { HS_SECRET, hsToken, nowS, publishAs, publisherClaims, readerClaims } from '../support/hub-tokens';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { idsOf, messagesOf, STREAM, streamTarget, StreamClients } from '../support/stream-clients';
import { eventually } from '../support/wait';

/** A reader of `vip` whose token expires at `exp` (epoch seconds). */
const expiringReader = (exp: number): Promise<string> => hsToken({ ...readerClaims('vip'), exp });

for (const fanOut of FANOUT_MODES) {
  describe(`private topics: a token that expires (FANOUT=${fanOut})`, function () {
    this.timeout(20_000);
    let service: RunningService;
    const clients = new StreamClients(() => service.port);
    let publisher = '';
    /** Everything published so far, in order. */
    let published: { id: string; message: string }[] = [];

    before(async () => (publisher = await hsToken(publisherClaims('*'))));
    beforeEach(async () => {
      published = [];
      service = await startService({ jwtKey: HS_SECRET, retryMs: 300, fanOut });
    });
    afterEach(async () => {
      clients.closeAll();
      await service.stop();
    });

    const publish = async (message: string, isPrivate = true): Promise<string> => {
      const id = await publishAs(service.url, publisher, { message, topic: 'vip', private: isPrivate });
      published.push({ id, message });
      return id;
    };
    const pastExp = (exp: number): Promise<void> => eventually(() => Date.now() >= exp * 1000, 'exp to pass', 10_000);

    it('warns at once with auth-expiring, closes at exp with no private event after it, and resumes', async () => {
      const exp = nowS() + 4; // less than 30 s left: the warning comes at once
      const client = await clients.subscribe(STREAM, { Authorization: `Bearer ${await expiringReader(exp)}` });
      let closedAt = 0;
      client.socket.once('close', () => (closedAt = Date.now()));
      await client.waitFor((c) => c.events.length > 0, 3_000, 'auth-expiring');
      expect(client.events[0]).to.deep.equal({ id: undefined, event: 'auth-expiring', data: `{"exp":${exp}}` });
      await publish('before exp');
      await client.waitFor((c) => messagesOf(c).includes('before exp'), 5_000, 'the event before exp');

      await pastExp(exp);
      await publish('after exp');
      await publish('public after exp', false);
      await client.waitFor((c) => c.closed, 5_000, 'the end of the stream');
      expect(closedAt, 'not closed before exp').to.be.at.least(exp * 1000);
      // Cut with a reset, so what still waited for it never leaves after exp (SseSink's tests show the bytes).
      expect(client.terminated, 'the stream was cut, not ended after what was queued').to.equal(false);
      expect(messagesOf(client)).to.deep.equal(['before exp']);

      // A fresh token and the last id: what was published since, nothing twice.
      const fresh = await expiringReader(nowS() + 600);
      const lastEventId = idsOf(client).at(-1)!;
      const resumed = await clients.subscribe(STREAM, {
        Authorization: `Bearer ${fresh}`,
        'Last-Event-ID': lastEventId,
      });
      await resumed.waitForEvents(2);
      const since = published.slice(published.findIndex((p) => p.id === lastEventId) + 1);
      expect(idsOf(resumed)).to.deep.equal(since.map((p) => p.id));
      expect(messagesOf(resumed)).to.deep.equal(['after exp', 'public after exp']);
    });

    it('announces Connection: close, so that no client sends another request on a stream it ends', async () => {
      // The hub never reads a request after a stream's: a client pool that kept the connection once the
      // stream ended (as fetch does for keep-alive) would lose the next request sent on it.
      const client = await clients.subscribe(STREAM, { Authorization: `Bearer ${await expiringReader(nowS() + 2)}` });
      await client.waitFor((c) => c.closed, 5_000, 'the end of the stream');
      expect(client.headers.connection).to.equal('close');
    });

    it('sends no private replay to a token that expired within the clock tolerance', async () => {
      await publish('private in history');
      const exp = nowS() - 1;
      const client = await clients.connect(streamTarget({ rewind: '1', access_token: await expiringReader(exp) }));
      await client.waitFor((c) => c.closed, 5_000, 'a refusal or the end of the stream');
      expect(messagesOf(client)).to.deep.equal([]);
    });

    it('lets the real eventsource client take a fresh token when warned and resume with Last-Event-ID', async () => {
      let token = await expiringReader(nowS() + 4);
      const withToken: FetchLike = (url, init) =>
        fetch(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
      const es = new RecordingEventSource(`${service.url}${STREAM}`, ['auth-expiring'], { fetch: withToken });
      try {
        await es.waitFor((r) => r.some((m) => m.type === 'auth-expiring'), 5_000);
        token = await expiringReader(nowS() + 600); // what an application does when warned
        await publish('first');
        await es.waitFor((r) => r.some((m) => m.data.includes('first')));
        // The stream ends at exp; the client comes back on its own after `retry:` with the fresh token.
        await eventually(() => es.source.readyState === es.source.CONNECTING, 'the end of the first stream', 8_000);
        await publish('while away');
        await es.waitFor(() => es.opened === 2, 5_000);
        await publish('after');
        await es.waitFor((r) => r.some((m) => m.data.includes('"after"')));
        const messages = es.received.filter((m) => m.type === 'message');
        expect(messages.map((m) => (JSON.parse(m.data) as { message: string }).message)).to.deep.equal([
          'first',
          'while away',
          'after',
        ]);
        expect(messages.map((m) => m.lastEventId)).to.deep.equal(published.map((p) => p.id));
      } finally {
        es.close();
      }
    });
  });
}
