import { expect } from 'chai';
import { BroadcastMessage } from '../../src/application/broadcast-message.use-case';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { metricValue } from '../support/replica-set';
import { BROADCAST, idsOf, STREAM, StreamClients } from '../support/stream-clients';
import { eventually } from '../support/wait';

const HISTORY = 5_000;
/** About 2 KB per event: the whole history is about 10 MB, 150 times CLIENT_BUFFER_BYTES. */
const PAD = 'e'.repeat(2_000);
const CLIENT_BUFFER_BYTES = 64 * 1024;
/** Live events published once the replay has arrived (others are published while it goes out). */
const LIVE = 20;

/** Makes `client` read at most `bytesPerMs` on average: it pauses after each read for as long as that read is worth. */
function throttle(client: RawSseClient, bytesPerMs: number): void {
  client.socket.on('data', (bytes: Buffer) => {
    client.socket.pause();
    setTimeout(() => client.socket.resume(), bytes.length / bytesPerMs);
  });
}

for (const fanOut of FANOUT_MODES) {
  describe(`a replay of a large history (FANOUT=${fanOut})`, function () {
    this.timeout(120_000);
    let service: RunningService;
    const clients = new StreamClients(() => service.port);
    /** Every event published, in order: the hub's history is the last HISTORY of them. */
    let history: string[] = [];

    before(async () => {
      service = await startService({ historySize: HISTORY, clientBufferBytes: CLIENT_BUFFER_BYTES, fanOut });
      // The history is filled through the broadcast use-case itself (5,000 HTTP requests would only be slower).
      const broadcast = service.container.get(BroadcastMessage);
      history = [];
      for (let n = 0; n < HISTORY; n += 1) {
        const result = await broadcast.execute({ message: { n, pad: PAD } });
        if (!result.ok) throw new Error(result.error.message);
        history.push(result.value.id);
      }
    });
    afterEach(() => clients.closeAll());
    after(() => service.stop());

    /** A live event: small, so that those queued behind the replay stay well within CLIENT_BUFFER_BYTES. */
    const publish = async (n: number): Promise<string> => {
      const answer = await post(`${service.url}${BROADCAST}`, { message: { n } });
      expect(answer.status).to.equal(202);
      history.push(answer.json.id as string);
      return answer.json.id as string;
    };

    /**
     * Resumes after `history[from]` (by Last-Event-ID, or with rewind=N for the events after it) and publishes a live event each time the client has read `every` more
     * events, until the replay is in, then LIVE more; checks that the client got the replay and every live
     * event in order and was never dropped.
     */
    const resume = async (
      from: number,
      every: number,
      pace?: (client: RawSseClient) => void,
      by: 'Last-Event-ID' | 'rewind' = 'Last-Event-ID',
    ): Promise<void> => {
      const client =
        by === 'rewind'
          ? await clients.subscribe(`${STREAM}?rewind=${history.length - from - 1}`)
          : await clients.subscribe(STREAM, { 'Last-Event-ID': history[from]! });
      pace?.(client);
      const replay = history.slice(from + 1);
      const live: string[] = [];
      while (client.events.length < replay.length && !client.closed) {
        const seen = client.events.length;
        await client.waitFor((c) => c.events.length >= seen + every || c.closed, 30_000, 'progress');
        live.push(await publish(live.length));
      }
      for (let n = 0; n < LIVE; n += 1) live.push(await publish(live.length));
      const expected = [...replay, ...live];
      await client.waitFor((c) => c.events.length >= expected.length || c.closed, 60_000, 'the replay and live events');

      expect(client.closed, 'still connected').to.equal(false);
      expect(idsOf(client), 'every event once, in order, the live ones last').to.deep.equal(expected);
      expect(client.events.length, 'no reset').to.equal(expected.length);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics.match(/^sse_clients_dropped_total\S* [1-9]\d*$/gm), 'nobody dropped').to.equal(null);
      await eventually(async () => (await metricValue(service.url, 'sse_clients_behind')) === 0, 'it to be live');
    };

    it('goes at the pace of a client that reads at full speed: never dropped, every event in order, then live ones', async () => {
      await resume(0, 1);
    });

    it('goes at the pace of a client with rewind=4000 too (8 MB, 125 times CLIENT_BUFFER_BYTES)', async () => {
      await resume(history.length - 4_001, 1, undefined, 'rewind');
    });

    it('goes at the pace of a client on a slow link, which is not dropped either', async () => {
      // 1,000 events (2 MB) at 2 MB/s, with a live event every 10 events read: much slower than the link.
      await resume(history.length - 1_001, 10, (client) => throttle(client, 2_000));
    });
  });
}
