import { expect } from 'chai';
import { TopicSelection } from '../../src/domain/topic-selection';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { metricValue } from '../support/replica-set';
import { BROADCAST, idsOf, STREAM, streamTarget, StreamClients } from '../support/stream-clients';

const PAIRS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD'];
/** A minute of rates at one per second per pair. */
const ROUNDS = 60;
const BUFFER_BYTES = 256 * 1024;
/** Rates big enough that ROUNDS × PAIRS of them (about 500 KB) are more than BUFFER_BYTES. */
const RATE_PAD = 'r'.repeat(2_000);
const FILLER_PAD = 'f'.repeat(32 * 1024);

const rates = TopicSelection.of(['rates.*']);
if (!rates.ok) throw new Error(rates.error.message);

interface Data {
  readonly message: { readonly kind: string; readonly n: number; readonly pair?: string };
}
const dataOf = (client: RawSseClient): Data[] =>
  client.events.filter((e) => e.id !== undefined).map((e) => JSON.parse(e.data) as Data);
/** The client got news event `n`. */
const hasNews = (client: RawSseClient, n: number): boolean =>
  dataOf(client).some((d) => d.message.kind === 'news' && d.message.n === n);

for (const fanOut of FANOUT_MODES) {
  describe(`a client that stops reading while rates flow (FANOUT=${fanOut})`, function () {
    this.timeout(60_000);
    let service: RunningService;
    const clients = new StreamClients(() => service.port);
    afterEach(async () => {
      clients.closeAll();
      await service.stop();
    });

    const publish = async (message: Record<string, unknown>, topic: string): Promise<void> => {
      const answer = await post(`${service.url}${BROADCAST}`, { message, topic });
      expect(answer.status).to.equal(202);
    };
    const dropped = async (reason: string): Promise<number> => {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`sse_clients_dropped_total{reason="${reason}"} `));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    };

    /**
     * A reader of the rates and news, and a client of everything whose socket is paused; fillers until the
     * kernel's buffers are full and the hub holds events for the stalled client; then ROUNDS of rates for
     * every pair with a news event every 10 rounds, and a last news event that the reader waits for.
     * Returns the two clients and how many fillers it took.
     */
    const scenario = async (): Promise<{ reader: RawSseClient; stalled: RawSseClient; fillers: number }> => {
      const reader = await clients.subscribe(streamTarget({ topic: ['rates.*', 'news'] }));
      const stalled = await clients.subscribe(STREAM);
      stalled.socket.pause();
      let fillers = 0;
      while ((await metricValue(service.url, 'sse_clients_behind')) === 0) {
        if (fillers > 2_000) throw new Error('the hub never held anything for the paused client');
        await publish({ kind: 'filler', n: fillers, pad: FILLER_PAD }, 'filler');
        fillers += 1;
      }
      for (let n = 0; n < ROUNDS; n += 1) {
        for (const pair of PAIRS) await publish({ kind: 'rate', n, pair, pad: RATE_PAD }, `rates.${pair}`);
        if (n % 10 === 9) await publish({ kind: 'news', n }, 'news');
      }
      await publish({ kind: 'news', n: ROUNDS }, 'news');
      await reader.waitFor((c) => hasNews(c, ROUNDS), 20_000, 'the last news');
      expect(dataOf(reader).length, 'the reader got every rate and news event').to.equal(ROUNDS * PAIRS.length + 7);
      return { reader, stalled, fillers };
    };

    it('with SLOW_CLIENTS=conflate, gets every other event and only the newest rate of each pair, in order', async () => {
      service = await startService({ fanOut, conflateTopics: rates.value, clientBufferBytes: BUFFER_BYTES });
      const { stalled, fillers } = await scenario();
      expect(await dropped('slow'), 'nobody dropped').to.equal(0);

      stalled.socket.resume();
      await stalled.waitFor((c) => hasNews(c, ROUNDS), 20_000, 'the last news');
      const got = dataOf(stalled).map((d) => d.message);
      expect(got.filter((m) => m.kind === 'filler').map((m) => m.n)).to.deep.equal([...Array(fillers).keys()]);
      expect(got.filter((m) => m.kind === 'news').map((m) => m.n)).to.deep.equal([9, 19, 29, 39, 49, 59, 60]);
      for (const pair of PAIRS) {
        const ns = got.filter((m) => m.pair === pair).map((m) => m.n);
        expect(ns.length, `${pair}: ${ns.join(' ')}`).to.be.within(1, 2);
        expect(ns.at(-1), pair).to.equal(ROUNDS - 1);
      }
      const ids = idsOf(stalled);
      expect(ids, 'in publish order').to.deep.equal([...ids].sort());

      // Still subscribed: a live event reaches it.
      await publish({ kind: 'news', n: ROUNDS + 1 }, 'news');
      await stalled.waitFor((c) => hasNews(c, ROUNDS + 1), 5_000, 'a live event');
      expect(stalled.closed).to.equal(false);
    });

    it('with SLOW_CLIENTS=conflate, is still disconnected once events of other topics pass CLIENT_BUFFER_BYTES', async () => {
      service = await startService({ fanOut, conflateTopics: rates.value, clientBufferBytes: BUFFER_BYTES });
      await scenario();
      expect(await dropped('slow'), 'the rates alone fit').to.equal(0);
      // News is not conflated: 16 × 32 KB is twice the bound.
      for (let n = 0; n < 16; n += 1) await publish({ kind: 'news', n: 100 + n, pad: FILLER_PAD }, 'news');
      expect(await dropped('slow')).to.equal(1);
    });

    it('with SLOW_CLIENTS=drop, is disconnected once more than CLIENT_BUFFER_BYTES waits for it', async () => {
      service = await startService({ fanOut, clientBufferBytes: BUFFER_BYTES });
      const { stalled } = await scenario();
      expect(await dropped('slow')).to.equal(1);
      stalled.socket.resume();
      await stalled.waitFor((c) => c.closed, 20_000, 'the end of the connection');
      expect(hasNews(stalled, ROUNDS), 'the last news never reached it').to.equal(false);
    });
  });
}
