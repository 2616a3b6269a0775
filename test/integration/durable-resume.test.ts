import { expect } from 'chai';
import { RecordingEventSource } from '../support/event-source-client';
import {
  broadcast,
  messages,
  openStream,
  publishMany,
  readyStatus,
  STREAM_PATH,
  summary,
  until,
  untilReady,
} from '../support/durable';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, metricValue, ReplicaSet } from '../support/replica-set';
import { rabbitMqAddress, rabbitMqUrlVia, requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

/** Broadcasts through `url` one after the other until stopped; keeps the ids answered 202, in order. */
function keepPublishing(url: string) {
  const published: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n += 1) {
      const answer = await broadcast(url, `continuous ${n}`);
      if (answer.status !== 202)
        throw new Error(`publishing through the replica that stays connected: ${answer.status}`);
      published.push(answer.json.id as string);
    }
  })();
  return {
    published,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Pino lines at level error or above: a cut is expected, an error is not. */
const errorLines = (proc: ServiceProcess): string[] =>
  proc
    .output()
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line));

for (const mode of ['stream', 'exclusive'] as const) {
  describe(`a replica whose broker link is cut while another publishes (AMQP_QUEUE=${mode})`, function () {
    this.timeout(90_000);
    requireRabbitMq();

    const set = new ReplicaSet(freshExchange(`durable-cut-${mode}`));
    let proxy: TcpProxy;
    let publisher: ServiceProcess;
    let cutOff: ServiceProcess;
    let client: RawSseClient;
    let witness: RawSseClient;
    const sources: RecordingEventSource[] = [];
    before(async () => {
      const { host, port } = rabbitMqAddress();
      proxy = await TcpProxy.start(port, host);
      const env = { AMQP_QUEUE: mode, HEARTBEAT_MS: '200', RETRY_MS: '100' };
      publisher = await set.spawn('server', env);
      cutOff = await set.spawn('server', { ...env, AMQP_URL: rabbitMqUrlVia(proxy.port) });
      await Promise.all([untilReady(publisher.url), untilReady(cutOff.url)]);
      client = await openStream(cutOff.port);
      witness = await openStream(publisher.port);
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed') process.stdout.write(`B output:\n${cutOff.output().slice(-3000)}\n`);
    });
    after(async () => {
      proxy.restore();
      await set.stopAll();
      client.close();
      witness.close();
      sources.forEach((s) => s.close());
      await proxy.close();
    });

    /** Cuts the link, waits for the replica to notice and for `during()` to finish, restores, waits for ready. */
    async function cut(during: () => Promise<void>): Promise<void> {
      proxy.cut();
      await eventually(async () => (await readyStatus(cutOff.url)) === 503, 'the cut noticed');
      await during();
      proxy.restore();
      await untilReady(cutOff.url);
    }

    if (mode === 'stream') {
      it('hands its clients every event once, in order, across two cuts', async () => {
        const publishing = keepPublishing(publisher.url);
        for (let n = 1; n <= 2; n += 1) {
          const seen = client.events.length;
          await client.waitFor((c) => c.events.length > seen + 10, 10_000, `events flowing before cut ${n}`);
          await cut(async () => {
            const atCut = publishing.published.length;
            await eventually(() => publishing.published.length > atCut + 20, `events published during cut ${n}`);
          });
        }
        const seen = client.events.length;
        await client.waitFor((c) => c.events.length > seen + 10, 10_000, 'events flowing after the cuts');
        await publishing.stop();
        const last = publishing.published.at(-1)!;
        await Promise.all([until(client, last, 'the last event'), until(witness, last, 'the last event on A')]);

        expect(summary(client.events), 'no gap, no duplicate, no reset').to.deep.equal(messages(publishing.published));
        expect(summary(witness.events)).to.deep.equal(messages(publishing.published));
        expect(client.closed || client.terminated, 'the stream stayed open').to.equal(false);
        expect(await metricValue(cutOff.url, 'sse_bus_reconnects_total')).to.equal(2);
        expect(errorLines(cutOff).concat(errorLines(publisher))).to.deep.equal([]);
      });

      it('brings an EventSource that moves to it while it is cut off every later event once, without reset', async () => {
        const first = new RecordingEventSource(`${publisher.url}${STREAM_PATH}`, ['reset']);
        sources.push(first);
        await first.waitOpen();
        let missed: string[] = [];
        await cut(async () => {
          missed = await publishMany(publisher.url, 5, 'while B is cut off');
          await first.waitFor((r) => r.some((m) => m.lastEventId === missed[4]));
          first.close();
          // B has not seen the id: it cannot read the stream now, so it ends the stream and the client retries.
          const moved = new RecordingEventSource(`${cutOff.url}${STREAM_PATH}?lastEventId=${missed[4]!}`, ['reset']);
          sources.push(moved);
          await moved.waitOpen();
        });
        const moved = sources.at(-1)!;
        const after = await publishMany(publisher.url, 3, 'after B is back');
        await moved.waitFor((r) => r.some((m) => m.lastEventId === after[2]), 10_000);
        expect(moved.received.map((m) => `${m.type}:${m.lastEventId}`)).to.deep.equal(
          after.map((id) => `message:${id}`),
        );
        expect(first.received.map((m) => m.lastEventId).slice(-5)).to.deep.equal(missed);
      });
    } else {
      it('misses what was published during the cut (at-most-once), with no reset and no error', async () => {
        const before = await publishMany(publisher.url, 3, 'before');
        await until(client, before[2]!, 'the events before the cut');
        let during: string[] = [];
        await cut(async () => void (during = await publishMany(publisher.url, 10, 'during')));
        const after = await publishMany(publisher.url, 3, 'after');
        await Promise.all([until(client, after[2]!, 'the events after'), until(witness, after[2]!, 'on A')]);

        expect(summary(client.events), 'the events of the cut are missing').to.deep.equal(
          messages([...before, ...after]),
        );
        expect(summary(witness.events)).to.deep.equal(messages([...before, ...during, ...after]));
        expect(client.closed || client.terminated, 'the stream stayed open').to.equal(false);
        expect(await metricValue(cutOff.url, 'sse_bus_reconnects_total')).to.equal(1);
        expect(errorLines(cutOff).concat(errorLines(publisher))).to.deep.equal([]);
      });
    }
  });
}
