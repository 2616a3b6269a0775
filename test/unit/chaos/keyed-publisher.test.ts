import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyedPublisher } from '../../../test/chaos/keyed-publisher';
import { freePort } from '../../support/free-port';
import { eventually } from '../../support/wait';

interface Seen {
  readonly server: string;
  readonly key: string | undefined;
  readonly seq: number;
}

/** A stand-in replica: answers each broadcast with the next status of `statuses` (then 202), recording it. */
async function fakeReplica(name: string, seen: Seen[], statuses: number[] = []): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { message: { seq: number } };
      seen.push({ server: name, key: req.headers['idempotency-key'] as string | undefined, seq: parsed.message.seq });
      res.writeHead(statuses.shift() ?? 202, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: http.Server): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('KeyedPublisher', () => {
  const servers: http.Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function publishUntil(targets: () => (string | undefined)[], count: number): Promise<KeyedPublisher> {
    const publisher = new KeyedPublisher(targets, 'run1', 200);
    const controller = new AbortController();
    const running = publisher.run(controller.signal);
    await eventually(() => publisher.acknowledged.length >= count, `${count} acknowledged`);
    controller.abort();
    await running;
    return publisher;
  }

  it('alternates between replicas and retries a 503 with the same key on the other one', async () => {
    const seen: Seen[] = [];
    servers.push(await fakeReplica('a', seen, [503, 503]), await fakeReplica('b', seen));
    const publisher = await publishUntil(() => servers.map(urlOf), 3);
    expect(publisher.acknowledged.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(seen.slice(0, 5)).to.deep.equal([
      { server: 'a', key: 'run1.0', seq: 0 },
      { server: 'b', key: 'run1.0', seq: 0 },
      { server: 'a', key: 'run1.1', seq: 1 },
      { server: 'b', key: 'run1.1', seq: 1 },
      { server: 'a', key: 'run1.2', seq: 2 },
    ]);
    expect(publisher.retries).to.equal(2);
    expect(publisher.unexpected).to.equal(undefined);
  });

  it('retries a refused connection elsewhere and skips a replica that is down', async () => {
    const seen: Seen[] = [];
    servers.push(await fakeReplica('b', seen));
    const refusing = `http://127.0.0.1:${await freePort()}`;
    const publisher = await publishUntil(() => [refusing, undefined, urlOf(servers[0]!)], 2);
    expect(seen.slice(0, 2).map((s) => `${s.server} ${s.key}`)).to.deep.equal(['b run1.0', 'b run1.1']);
    expect(publisher.retries).to.be.at.least(1);
  });

  it('remembers an answer that is neither 202 nor 503', async () => {
    const seen: Seen[] = [];
    servers.push(await fakeReplica('a', seen, [400]));
    const publisher = await publishUntil(() => [urlOf(servers[0]!)], 1);
    expect(publisher.unexpected).to.equal('400 {}');
  });
});
