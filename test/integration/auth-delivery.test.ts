import { expect } from 'chai';
import { RecordingEventSource } from '../support/event-source-client';
import { HS_SECRET, hsToken, publishAs, publisherClaims, readerClaims } from '../support/hub-tokens';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { errorOf, messagesOf, STREAM, streamTarget, StreamClients } from '../support/stream-clients';

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
const cookie = (token: string): Record<string, string> => ({ Cookie: `theme=dark; sse_token=${token}; lang=en` });

for (const fanOut of FANOUT_MODES) {
  describe(`private topics: delivery by token claims (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    const clients = new StreamClients(() => service.port);
    let publisher = '';
    let vip = '';
    let desk = '';

    before(async () => {
      service = await startService({ jwtKey: HS_SECRET, fanOut });
      [publisher, vip, desk] = await Promise.all([
        hsToken(publisherClaims('*')),
        hsToken(readerClaims('vip')),
        hsToken(readerClaims('desk.*')),
      ]);
    });
    afterEach(() => clients.closeAll());
    after(() => service.stop());

    const publish = (message: string, topic: string, isPrivate = false): Promise<string> =>
      publishAs(service.url, publisher, { message, topic, private: isPrivate });
    /** A public event every client sees last: once it is in, everything published before it is in too. */
    const fence = async (...readers: RawSseClient[]): Promise<void> => {
      await publish('fence', 'broadcast');
      await Promise.all(readers.map((r) => r.waitFor((c) => messagesOf(c).includes('fence'), 5_000, 'the fence')));
    };

    it('sends a private event only to subscribers whose token covers its topic, exactly or by prefix', async () => {
      const both = await hsToken(readerClaims('vip', 'desk.*'));
      const anonymous = await clients.subscribe(STREAM);
      const exact = await clients.subscribe(STREAM, bearer(vip));
      const prefix = await clients.subscribe(STREAM, bearer(desk));
      const twoFilters = await clients.subscribe(STREAM, bearer(both));
      await publish('public', 'broadcast');
      await publish('vip', 'vip', true);
      await publish('desk.fx', 'desk.fx', true);
      await publish('desk alone', 'desk', true); // `desk.*` is a prefix of `desk.`, not of `desk`
      await publish('vip.x', 'vip.x', true); // an exact filter covers that topic only
      await publish('other', 'other', true);
      await publish('public desk.fx', 'desk.fx');
      await fence(anonymous, exact, prefix, twoFilters);

      expect(messagesOf(anonymous)).to.deep.equal(['public', 'public desk.fx', 'fence']);
      expect(messagesOf(exact)).to.deep.equal(['public', 'vip', 'public desk.fx', 'fence']);
      expect(messagesOf(prefix)).to.deep.equal(['public', 'desk.fx', 'public desk.fx', 'fence']);
      expect(messagesOf(twoFilters)).to.deep.equal(['public', 'vip', 'desk.fx', 'public desk.fx', 'fence']);
    });

    it('applies the topic query on top of the token: a covered private topic not asked for is not sent', async () => {
      const deskOnly = await clients.subscribe(streamTarget({ topic: ['desk.*', 'broadcast'] }), bearer(vip));
      const vipOnly = await clients.subscribe(streamTarget({ topic: ['vip', 'broadcast'] }), bearer(vip));
      await publish('vip', 'vip', true);
      await publish('public desk', 'desk.fx');
      await publish('private desk', 'desk.fx', true);
      await fence(deskOnly, vipOnly);
      expect(messagesOf(deskOnly)).to.deep.equal(['public desk', 'fence']);
      expect(messagesOf(vipOnly)).to.deep.equal(['vip', 'fence']);
    });

    it('never sends a private event to an anonymous subscriber, even one that asks for its topic', async () => {
      const byName = await clients.subscribe(streamTarget({ topic: ['vip', 'broadcast'] }));
      const byStar = await clients.subscribe(streamTarget({ topic: '*' }));
      await publish('private vip', 'vip', true);
      await publish('public vip', 'vip');
      await fence(byName, byStar);
      expect(messagesOf(byName)).to.deep.equal(['public vip', 'fence']);
      expect(messagesOf(byStar)).to.deep.equal(['public vip', 'fence']);
    });

    it('takes the token from the Authorization header, the access_token query or the sse_token cookie', async () => {
      const byHeader = await clients.subscribe(STREAM, bearer(desk));
      const byQuery = await clients.subscribe(streamTarget({ access_token: desk }));
      const byCookie = await clients.subscribe(STREAM, cookie(desk));
      await publish('private desk', 'desk.fx', true);
      await fence(byHeader, byQuery, byCookie);
      for (const client of [byHeader, byQuery, byCookie]) {
        expect(messagesOf(client)).to.deep.equal(['private desk', 'fence']);
      }
    });

    it('judges the first token present (header, then query, then cookie) and never falls back', async () => {
      const bad = `${vip.slice(0, -4)}AAAA`;
      const refused = [
        await clients.connect(STREAM, { ...bearer(bad), ...cookie(vip) }),
        await clients.connect(STREAM, {
          Authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
          ...cookie(vip),
        }),
        await clients.connect(streamTarget({ access_token: bad }), cookie(vip)),
      ];
      for (const [n, client] of refused.entries()) {
        expect(client.status, `case ${n}`).to.equal(401);
        expect(errorOf(client)).to.include({ success: false, code: 401 });
      }
      const served = [
        await clients.subscribe(STREAM, { ...bearer(vip), ...cookie(bad) }),
        await clients.subscribe(streamTarget({ access_token: vip }), cookie(bad)),
        await clients.subscribe(streamTarget({ access_token: bad }), bearer(vip)),
      ];
      await publish('private vip', 'vip', true);
      await fence(...served);
      for (const client of served) expect(messagesOf(client)).to.deep.equal(['private vip', 'fence']);
    });

    it('delivers private events to the real eventsource client that sends its token as access_token', async () => {
      const es = new RecordingEventSource(`${service.url}${streamTarget({ access_token: vip })}`);
      try {
        await es.waitOpen();
        const id = await publish('private vip', 'vip', true);
        await publish('private other', 'other', true);
        const last = await publish('public', 'broadcast');
        await es.waitFor((r) => r.some((m) => m.lastEventId === last));
        expect(es.received.map((m): unknown[] => [m.lastEventId, JSON.parse(m.data)])).to.deep.equal([
          [id, { message: 'private vip' }],
          [last, { message: 'public' }],
        ]);
      } finally {
        es.close();
      }
    });
  });
}
