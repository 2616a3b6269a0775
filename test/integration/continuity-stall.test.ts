import { expect } from 'chai';
import { TopicSelection } from '../../src/domain/topic-selection';
import { TOKENS } from '../../src/tokens';
import { FixedClock } from '../fakes/fixed-clock';
import { HS_SECRET, hsToken, publishAs, publisherClaims, readerClaims } from '../support/hub-tokens';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { metricValue } from '../support/replica-set';
import { STREAM, streamTarget, StreamClients } from '../support/stream-clients';
import { eventually } from '../support/wait';

const FILLER_PAD = 'f'.repeat(32 * 1024);
const conflate = TopicSelection.of(['rates.*']);
if (!conflate.ok) throw new Error(conflate.error.message);

/** Both policies, each with room enough that the stalled client is never dropped for its buffer. */
const POLICIES = {
  conflate: { conflateTopics: conflate.value, clientBufferBytes: 1 << 20 },
  drop: { conflateTopics: undefined, clientBufferBytes: 1 << 20 },
} as const;

for (const fanOut of FANOUT_MODES) {
  for (const [policy, settings] of Object.entries(POLICIES)) {
    describe(`a client that takes no byte (SLOW_CLIENTS=${policy}, FANOUT=${fanOut})`, () => {
      let service: RunningService;
      const clients = new StreamClients(() => service.port);
      // The hub's clock, moved by the test: the Broker's tick (every real second) reads it.
      const clock = new FixedClock(Date.now());
      const t0 = clock.now();
      afterEach(async () => {
        clients.closeAll();
        await service.stop();
      });

      const dropped = async (reason: string): Promise<number> => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const line = text.split('\n').find((l) => l.startsWith(`sse_clients_dropped_total{reason="${reason}"} `));
        return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
      };

      it('is dropped after 60 s without progress, and not before', async () => {
        service = await startService({ ...settings, jwtKey: HS_SECRET, fanOut }, (c) =>
          c.rebindSync(TOKENS.Clock).toConstantValue(clock),
        );
        const publisher = await hsToken(publisherClaims('*'));
        const reader = await clients.subscribe(streamTarget({ topic: 'news' }));
        // Warned when the hub's clock reaches t0 + 59 s: a sign that a tick has run at that time.
        const probeToken = await hsToken({ ...readerClaims('news'), exp: Math.floor(t0 / 1000) + 89 });
        const probe = await clients.subscribe(streamTarget({ topic: 'news', access_token: probeToken }));
        const stalled = await clients.subscribe(STREAM);
        stalled.socket.pause();
        for (let n = 0; (await metricValue(service.url, 'sse_clients_behind')) === 0; n += 1) {
          if (n > 2_000) throw new Error('the hub never held anything for the paused client');
          await publishAs(service.url, publisher, { message: { n, pad: FILLER_PAD }, topic: 'filler' });
        }

        clock.set(t0 + 59_500);
        await probe.waitFor((c) => c.events.some((e) => e.event === 'auth-expiring'), 5_000, 'a tick at t0 + 59.5 s');
        expect(await dropped('stalled'), 'at 59.5 s').to.equal(0);
        expect(await metricValue(service.url, 'sse_clients')).to.equal(3);

        clock.set(t0 + 60_500);
        await eventually(async () => (await dropped('stalled')) === 1, 'the stalled client to be dropped');
        expect(await metricValue(service.url, 'sse_clients')).to.equal(2);
        expect(await dropped('slow'), 'not for its buffer').to.equal(0);
        stalled.socket.resume();
        await stalled.waitFor((c) => c.closed, 10_000, 'the end of its connection');

        const id = await publishAs(service.url, publisher, { message: 'still here', topic: 'news' });
        for (const client of [reader, probe]) await client.waitFor((c) => c.events.some((e) => e.id === id));
      });
    });
  }
}
