import { expect } from 'chai';
import { TOKENS } from '../../src/tokens';
import { FixedClock } from '../fakes/fixed-clock';
import {
  broadcast,
  busConfig,
  deleteTopology,
  messages,
  openStream,
  summary,
  until,
  untilReady,
  type BusMode,
} from '../support/durable';
import { startService, type RunningService } from '../support/in-process-service';
import type { RawSseClient } from '../support/raw-sse-client';
import { freshExchange } from '../support/replica-set';
import { requireRabbitMq } from '../support/require-rabbitmq';

const MINUTE = 60_000;
const MODES: readonly BusMode[] = ['memory', 'exclusive', 'stream'];

for (const mode of MODES) {
  describe(`Idempotency-Key on one process (${mode} bus)`, function () {
    this.timeout(30_000);
    if (mode !== 'memory') requireRabbitMq();

    let exchange: string;
    let service: RunningService;
    let client: RawSseClient;
    let clock: FixedClock;
    beforeEach(async () => {
      exchange = freshExchange(`idem-${mode}`);
      clock = new FixedClock(Date.now());
      service = await startService(busConfig(mode, exchange), (c) => c.rebindSync(TOKENS.Clock).toConstantValue(clock));
      await untilReady(service.url);
      client = await openStream(service.port);
    });
    afterEach(async () => {
      client.close();
      await service.stop();
      if (mode !== 'memory') await deleteTopology(exchange);
    });

    /** Publishes an unkeyed marker and waits for it: everything published before it has arrived by then. */
    async function settled(): Promise<string> {
      const marker = await broadcast(service.url, 'marker');
      expect(marker.status).to.equal(202);
      const id = marker.json.id as string;
      await until(client, id, 'the marker');
      return id;
    }

    it('delivers the first of two broadcasts with one key, and answers the second with its id', async () => {
      const first = await broadcast(service.url, 'once', 'order-1');
      const second = await broadcast(service.url, 'twice', 'order-1');
      expect(first.status).to.equal(202);
      expect(second.status).to.equal(202);
      expect(second.json).to.deep.equal({ success: true, code: 202, id: first.json.id });
      const marker = await settled();
      expect(summary(client.events)).to.deep.equal(messages([first.json.id as string, marker]));
      expect(client.events[0]!.data).to.equal('{"message":"once"}');
    });

    it('delivers one event for concurrent broadcasts with one key, and answers each with its id', async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => broadcast(service.url, `c${n}`, 'race')));
      expect(answers.map((a) => a.status)).to.deep.equal(Array(6).fill(202));
      const ids = new Set(answers.map((a) => a.json.id));
      expect(ids.size, 'one id for all').to.equal(1);
      const marker = await settled();
      expect(summary(client.events)).to.deep.equal(messages([answers[0]!.json.id as string, marker]));
    });

    it('refuses an invalid key with 400 and publishes nothing', async () => {
      for (const key of ['has space', 'x'.repeat(129), 'semi;colon']) {
        const answer = await broadcast(service.url, 'refused', key);
        expect(answer.status, key).to.equal(400);
        expect(answer.json).to.include({ success: false, code: 400 });
      }
      const marker = await settled();
      expect(summary(client.events)).to.deep.equal(messages([marker]));
    });

    it('delivers a key again once 10 minutes have passed since its first publish, not before', async () => {
      const first = await broadcast(service.url, 'first', 'daily');
      clock.advance(10 * MINUTE - 1_000);
      const repeat = await broadcast(service.url, 'within the window', 'daily');
      expect(repeat.json.id, 'a repeat within 10 minutes').to.equal(first.json.id);
      clock.advance(1_000);
      const later = await broadcast(service.url, 'after the window', 'daily');
      expect(later.status).to.equal(202);
      expect(later.json.id, 'a new event after 10 minutes').to.not.equal(first.json.id);
      const again = await broadcast(service.url, 'repeat of the new one', 'daily');
      expect(again.json.id).to.equal(later.json.id);
      const marker = await settled();
      expect(summary(client.events)).to.deep.equal(messages([first.json.id, later.json.id, marker] as string[]));
    });
  });
}
