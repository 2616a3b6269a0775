import { expect } from 'chai';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { BROADCAST, errorOf, messagesOf, streamTarget, StreamClients } from '../support/stream-clients';

const HISTORY_SIZE = 5;

for (const fanOut of FANOUT_MODES) {
  describe(`where a stream starts: rewind, latest, Last-Event-ID (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    const clients = new StreamClients(() => service.port);
    const ids = new Map<string, string>();

    const publish = async (message: string, topic: string): Promise<string> => {
      const answer = await post(`${service.url}${BROADCAST}`, { message, topic });
      expect(answer.status).to.equal(202);
      ids.set(message, answer.json.id as string);
      return answer.json.id as string;
    };
    let lives = 0;
    /** Publishes a live event (`live-1`, `live-2` …) on `topic` and returns what `client` got before it. */
    const before = async (client: RawSseClient, topic: string): Promise<unknown[]> => {
      const live = `live-${(lives += 1)}`;
      await publish(live, topic);
      await client.waitFor((c) => messagesOf(c).includes(live), 5_000, live);
      const messages = messagesOf(client);
      expect(messages.at(-1), 'the live event comes last').to.equal(live);
      return messages.slice(0, -1);
    };

    // History (size 5) after these: r1 a2 r3 a4 r5 (a0 has left it); the newest rates.BTC is r5.
    beforeEach(async () => {
      service = await startService({ historySize: HISTORY_SIZE, fanOut });
      ids.clear();
      lives = 0;
      await publish('a0', 'news');
      await publish('r1', 'rates.ETH');
      await publish('a2', 'news');
      await publish('r3', 'rates.BTC');
      await publish('a4', 'news');
      await publish('r5', 'rates.BTC');
    });
    afterEach(async () => {
      clients.closeAll();
      await service.stop();
    });

    it('sends the last N matching events with rewind=N, then live events', async () => {
      const rates = await clients.subscribe(streamTarget({ rewind: '2', topic: 'rates.*' }));
      expect(await before(rates, 'rates.XRP')).to.deep.equal(['r3', 'r5']);
      const all = await clients.subscribe(streamTarget({ rewind: String(HISTORY_SIZE) }));
      expect(await before(all, 'news')).to.deep.equal(['a2', 'r3', 'a4', 'r5', 'live-1']);
    });

    it('sends what there is when rewind=N asks for more than the topics hold', async () => {
      const eth = await clients.subscribe(streamTarget({ rewind: '4', topic: ['rates.ETH', 'other'] }));
      expect(await before(eth, 'other')).to.deep.equal(['r1']);
    });

    it('sends the newest event of each matching topic with latest=1, in publish order', async () => {
      const rates = await clients.subscribe(streamTarget({ latest: '1', topic: 'rates.*' }));
      expect(await before(rates, 'rates.XRP')).to.deep.equal(['r1', 'r5']);
      const all = await clients.subscribe(streamTarget({ latest: '1' }));
      expect(await before(all, 'news')).to.deep.equal(['r1', 'a4', 'r5', 'live-1']);
    });

    it('ignores rewind and latest when a Last-Event-ID is given, by header or query', async () => {
      const after = ids.get('a2')!;
      const byHeader = await clients.subscribe(streamTarget({ rewind: '1', topic: 'rates.*' }), {
        'Last-Event-ID': after,
      });
      expect(await before(byHeader, 'rates.XRP')).to.deep.equal(['r3', 'r5']);
      const byQuery = await clients.subscribe(streamTarget({ latest: '1', lastEventId: after }));
      expect(await before(byQuery, 'news')).to.deep.equal(['r3', 'a4', 'r5', 'live-1']);
    });

    it('keeps the newest event of a rarely updated topic for latest=1 after the history has moved on', async () => {
      for (let n = 0; n < 3 * HISTORY_SIZE; n += 1) await publish(`busy ${n}`, 'busy');
      const rewound = await clients.subscribe(streamTarget({ rewind: String(HISTORY_SIZE), topic: 'rates.*' }));
      expect(await before(rewound, 'rates.XRP'), 'the rates have left the history').to.deep.equal([]);
      const latest = await clients.subscribe(streamTarget({ latest: '1' }));
      expect(await before(latest, 'news')).to.deep.equal(['r1', 'a4', 'r5', 'busy 14', 'live-1']);
    });

    it('refuses any other value of rewind, latest or heartbeat, and rewind with latest, with 400', async () => {
      const refused: Record<string, string>[] = [
        { rewind: '0' },
        { rewind: String(HISTORY_SIZE + 1) },
        { rewind: 'x' },
        { rewind: '-1' },
        { rewind: '1.5' },
        { rewind: '' },
        { latest: '2' },
        { latest: '0' },
        { latest: 'true' },
        { latest: '' },
        { rewind: '1', latest: '1' },
        { heartbeat: 'x' },
        { heartbeat: 'EVENT' },
        { heartbeat: '' },
      ];
      for (const query of refused) {
        const client = await clients.connect(streamTarget(query));
        expect(client.status, JSON.stringify(query)).to.equal(400);
        expect(errorOf(client), JSON.stringify(query)).to.include({ success: false, code: 400 });
      }
      for (const query of [{ rewind: '1' }, { latest: '1' }, { heartbeat: 'event' }, { heartbeat: 'comment' }]) {
        expect((await clients.subscribe(streamTarget(query))).status, JSON.stringify(query)).to.equal(200);
      }
    });
  });
}
