import { expect } from 'chai';
import { HS_SECRET, hsToken, publishAs, publisherClaims, readerClaims } from '../support/hub-tokens';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { messagesOf, streamTarget, StreamClients } from '../support/stream-clients';

/** What the history holds, oldest first: [message, topic, private]. */
const PUBLISHED: readonly (readonly [string, string, boolean])[] = [
  ['n0', 'news', false],
  ['v1', 'vip', true],
  ['d2', 'desk.fx', true],
  ['D3', 'desk.fx', false],
  ['v4', 'vip', true],
  ['n5', 'news', false],
  ['M6', 'mixed', false],
  ['m7', 'mixed', true],
  ['q8', 'desk.eq', true],
];

/** Who subscribes: no token, or a token that covers some private topics. */
const READERS = ['anonymous', 'vip', 'desk.*', '*'] as const;
type Reader = (typeof READERS)[number];

for (const fanOut of FANOUT_MODES) {
  describe(`private topics in replays (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    const clients = new StreamClients(() => service.port);
    let publisher = '';
    const tokens = new Map<Reader, string>();
    const ids = new Map<string, string>();

    before(async () => {
      publisher = await hsToken(publisherClaims('*'));
      for (const reader of READERS) if (reader !== 'anonymous') tokens.set(reader, await hsToken(readerClaims(reader)));
    });
    // A fresh service per test, its history as PUBLISHED says.
    beforeEach(async () => {
      service = await startService({ jwtKey: HS_SECRET, historySize: 50, fanOut });
      for (const [message, topic, isPrivate] of PUBLISHED) {
        ids.set(message, await publishAs(service.url, publisher, { message, topic, private: isPrivate }));
      }
    });
    afterEach(async () => {
      clients.closeAll();
      await service.stop();
    });

    interface Request {
      readonly reader: Reader;
      readonly query: Record<string, string | string[]>;
      readonly headers?: Record<string, string>;
    }
    /**
     * Opens a stream per request, then publishes one public fence that each of them sees, and returns
     * the streams with the messages they got before it: their replays, as nothing else was published.
     */
    const replaysOf = async (
      requests: readonly Request[],
    ): Promise<{ client: RawSseClient; messages: unknown[] }[]> => {
      const opened: RawSseClient[] = [];
      for (const { reader, query, headers } of requests) {
        const token = tokens.get(reader);
        const auth: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
        opened.push(await clients.subscribe(streamTarget(query), { ...auth, ...headers }));
      }
      await publishAs(service.url, publisher, { message: 'fence', topic: 'desk.fence' });
      await Promise.all(opened.map((c) => c.waitFor((x) => messagesOf(x).includes('fence'), 5_000, 'the fence')));
      return opened.map((client) => {
        const messages = messagesOf(client);
        return { client, messages: messages.slice(0, messages.indexOf('fence')) };
      });
    };
    const expectReplays = async (
      expected: Readonly<Record<Reader, string[]>>,
      query: Record<string, string | string[]>,
      headers: Record<string, string> = {},
    ): Promise<void> => {
      const replays = await replaysOf(READERS.map((reader) => ({ reader, query, headers })));
      for (const [n, reader] of READERS.entries()) {
        expect(replays[n]!.messages, `${reader}: ${JSON.stringify(query)}`).to.deep.equal(expected[reader]);
      }
    };

    it('replays after a Last-Event-ID only the private events the token covers', async () => {
      await expectReplays(
        {
          anonymous: ['D3', 'n5', 'M6'],
          vip: ['v1', 'D3', 'v4', 'n5', 'M6'],
          'desk.*': ['d2', 'D3', 'n5', 'M6', 'q8'],
          '*': ['v1', 'd2', 'D3', 'v4', 'n5', 'M6', 'm7', 'q8'],
        },
        {},
        { 'Last-Event-ID': ids.get('n0')! },
      );
    });

    it('replays the whole history after a reset with the same filter', async () => {
      const query = { lastEventId: 'not-held' };
      const [anonymous, vip] = await replaysOf([
        { reader: 'anonymous', query },
        { reader: 'vip', query },
      ]);
      for (const { client } of [anonymous!, vip!]) {
        expect(client.events[0]).to.deep.include({ id: undefined, event: 'reset' });
      }
      expect(anonymous!.messages).to.deep.equal(['n0', 'D3', 'n5', 'M6']);
      expect(vip!.messages).to.deep.equal(['n0', 'v1', 'D3', 'v4', 'n5', 'M6']);
    });

    it('counts rewind=N over the events the subscriber may see', async () => {
      await expectReplays(
        {
          anonymous: ['n0', 'D3', 'n5', 'M6'],
          vip: ['D3', 'v4', 'n5', 'M6'],
          'desk.*': ['D3', 'n5', 'M6', 'q8'],
          '*': ['n5', 'M6', 'm7', 'q8'],
        },
        { rewind: '4' },
      );
    });

    it('rewinds within the topics asked for, private ones included where covered', async () => {
      const query = { topic: 'desk.*', rewind: '3' };
      const [desk, anonymous] = await replaysOf([
        { reader: 'desk.*', query },
        { reader: 'anonymous', query },
      ]);
      expect(desk!.messages).to.deep.equal(['d2', 'D3', 'q8']);
      expect(anonymous!.messages, 'fewer than 3 are there to see').to.deep.equal(['D3']);
    });

    it('opens latest=1 with the newest event of each topic that the subscriber may see', async () => {
      // `mixed`: the private m7 is newer than the public M6, which stays the newest for those it does not cover.
      await expectReplays(
        {
          anonymous: ['D3', 'n5', 'M6'],
          vip: ['D3', 'v4', 'n5', 'M6'],
          'desk.*': ['D3', 'n5', 'M6', 'q8'],
          '*': ['D3', 'v4', 'n5', 'm7', 'q8'],
        },
        { latest: '1' },
      );
    });

    it('goes on with the live private events the token covers after the replay', async () => {
      const [vip, anonymous] = await replaysOf([
        { reader: 'vip', query: { rewind: '1' } },
        { reader: 'anonymous', query: { rewind: '1' } },
      ]);
      await publishAs(service.url, publisher, { message: 'live vip', topic: 'vip', private: true });
      await publishAs(service.url, publisher, { message: 'last', topic: 'news' });
      for (const { client } of [vip!, anonymous!]) {
        await client.waitFor((c) => messagesOf(c).includes('last'), 5_000, 'the last event');
      }
      expect(messagesOf(vip!.client)).to.deep.equal(['M6', 'fence', 'live vip', 'last']);
      expect(messagesOf(anonymous!.client)).to.deep.equal(['M6', 'fence', 'last']);
    });
  });
}
