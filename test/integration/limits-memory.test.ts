import { expect } from 'chai';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { metric } from '../support/metric';
import { StalledReader } from '../support/stalled-reader';
import { eventually } from '../support/wait';

const MIB = 1 << 20;
/**
 * Large enough that no client is dropped as `slow` here: the bound on all slow clients decides. (At 128 MiB
 * the bound would be 512 MiB, and the clients left would have to read 400 MiB back: slow on a shared machine.)
 */
const CLIENT_BUFFER_BYTES = 64 * MIB;
const TOTAL_BOUND = Math.max(256 * MIB, 4 * CLIENT_BUFFER_BYTES);
const OTHERS = 15;
const EVENT_MIB = 4;
/** Events the first client receives before the others join, so it holds the most. */
const HEAD_START = 3;
/** One event of 4 MiB: every stalled client's backlog holds the same buffer, so memory stays ~published. */
const PAYLOAD = 'm'.repeat(EVENT_MIB * MIB - 64);
/** The clients left that read on to prove their streams still work (all of them would read ~240 MiB). */
const READ_ON = 3;

for (const fanOut of FANOUT_MODES) {
  describe(`the bound on bytes queued for all slow clients together (FANOUT=${fanOut})`, function () {
    this.timeout(60_000);
    let service: RunningService;
    const readers: StalledReader[] = [];
    before(async () => {
      service = await startService({
        clientBufferBytes: CLIENT_BUFFER_BYTES,
        maxBodyBytes: 2 * EVENT_MIB * MIB,
        historySize: 0,
        fanOut,
      });
    });
    after(async () => {
      readers.forEach((r) => r.close());
      await service.stop();
    });

    const publish = async (n: number, pad = PAYLOAD): Promise<string> => {
      const answer = await post(`${service.url}/api/v1/sso/broadcast`, { message: { n, pad } });
      expect(answer.status).to.equal(202);
      return answer.json.id as string;
    };
    const dropped = async (reason: string): Promise<number> =>
      (await metric(service.url, `sse_clients_dropped_total{reason="${reason}"}`)) ?? NaN;

    it(`drops the client holding most (reason memory) past ${TOTAL_BOUND / MIB} MiB, and no other`, async () => {
      const first = await StalledReader.open(service.port);
      readers.push(first);
      let n = 0;
      while (n < HEAD_START) await publish((n += 1));
      const others = await Promise.all(Array.from({ length: OTHERS }, () => StalledReader.open(service.port)));
      readers.push(...others);
      // Each event adds 4 MiB to every stalled client: past the bound after about bound / 16 / 4 MiB more.
      const most = HEAD_START + Math.ceil(TOTAL_BOUND / MIB / (OTHERS + 1) / EVENT_MIB) + 2;
      while ((await dropped('memory')) === 0) {
        expect(n, 'events published without any drop').to.be.lessThan(most);
        await publish((n += 1));
      }
      expect(await dropped('memory')).to.equal(1);
      expect(await dropped('slow')).to.equal(0);
      expect(await metric(service.url, 'sse_clients')).to.equal(OTHERS);

      first.resume();
      await eventually(() => first.closed, 'the server to have closed the client that held most', 10_000);
      const marker = await publish(-1, 'marker');
      const reading = others.slice(0, READ_ON);
      reading.forEach((r) => r.resume());
      await eventually(
        () => reading.every((r) => r.tail.includes(`id: ${marker}`)),
        'other clients to read on to the marker',
        30_000,
      );
      expect(others.some((r) => r.closed)).to.equal(false);
      expect(await metric(service.url, 'sse_clients')).to.equal(OTHERS);
    });
  });
}
