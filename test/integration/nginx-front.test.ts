import { expect } from 'chai';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { post } from '../support/http';
import { startNginxFront, type NginxFront } from '../support/nginx-front';
import { RawSseClient } from '../support/raw-sse-client';
import { freshExchange, metricValue, ReplicaSet } from '../support/replica-set';
import { requireNginx } from '../support/require-nginx';
import { requireRabbitMq } from '../support/require-rabbitmq';
import type { ServiceProcess } from '../support/service-process';
import { eventually } from '../support/wait';

const STREAM = '/api/v1/sso/stream';
const TOKEN = 'nginx-front-test-token';
const BEARER = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };

/** A POST whose Content-Length is over nginx's client_max_body_size: nginx answers 413 and logs it at error level. */
function postTooLarge(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: target });
    req.setHeader('Content-Length', String(2 * 1024 * 1024));
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

describe('the nginx front (deploy/nginx template, Debian nginx) before two replicas', function () {
  this.timeout(20_000);
  requireRabbitMq();
  before(function () {
    requireNginx(this);
  });

  const set = new ReplicaSet(freshExchange('nginx'));
  let replicas: ServiceProcess[] = [];
  let front: NginxFront | undefined;
  const clients: RawSseClient[] = [];
  /** A stream opened through nginx, as a browser would ask for it (gzip accepted). */
  const connect = async (): Promise<RawSseClient> => {
    const client = await RawSseClient.connect(front!.port, STREAM, { 'Accept-Encoding': 'gzip, deflate' });
    clients.push(client);
    return client;
  };

  before(async () => {
    const env = { PUBLISH_TOKEN: TOKEN, HEARTBEAT_MS: '200', RETRY_MS: '2500' };
    replicas = await Promise.all([set.spawn('server', env), set.spawn('server', env)]);
    front = await startNginxFront([`127.0.0.1:${replicas[0]!.port}`, `127.0.0.1:${replicas[1]!.port}`]);
  });
  after(async () => {
    await front?.stop();
    clients.forEach((c) => c.close());
    await set.stopAll();
  });
  afterEach(() => expect(set.unexpectedExits()).to.deep.equal([]));

  it('passes each stream through unbuffered: retry line at once, heartbeats, then a small event, still open', async () => {
    const [a, b] = [await connect(), await connect()];
    for (const client of [a, b]) {
      await client.waitFor((c) => c.retry !== undefined, 5_000, 'the retry line through nginx');
      expect(client.retry).to.be.within(2000, 3000); // RETRY_MS spread by ±20 %
      expect(client.status).to.equal(200);
      expect(client.headers).to.include({ 'content-type': 'text/event-stream', 'x-accel-buffering': 'no' });
      expect(client.headers).not.to.have.property('content-encoding');
    }
    // least_conn: the two open streams are held by different replicas.
    for (const replica of replicas) expect(await metricValue(replica.url, 'sse_clients'), replica.url).to.equal(1);

    // A few bytes each, far below any proxy buffer: they only arrive if nginx forwards as it reads.
    await Promise.all([a, b].map((c) => c.waitFor((r) => r.comments.length >= 2, 5_000, 'heartbeats through nginx')));
    const answer = await post(`${front!.url}/api/v1/sso/broadcast`, { message: 'through nginx' }, BEARER);
    expect(answer.status).to.equal(202);
    for (const client of [a, b]) {
      await client.waitFor((c) => c.events.length === 1, 5_000, 'the event through nginx');
      expect(client.events).to.deep.equal([
        { id: answer.json.id, event: undefined, data: '{"message":"through nginx"}' },
      ]);
      expect(client.closed || client.terminated, 'the stream ended').to.equal(false);
    }
  });

  it('forwards broadcasts with the bearer token and refuses them without it', async () => {
    const missing = await post(`${front!.url}/api/v1/sso/broadcast`, { message: 'no token' });
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.equal('Bearer');
    const wrong = await post(
      `${front!.url}/api/v1/sso/broadcast`,
      { message: 'bad token' },
      {
        ...BEARER,
        Authorization: 'Bearer not-the-token',
      },
    );
    expect(wrong.status).to.equal(401);
    const accepted = await post(`${front!.url}/api/v1/sso/broadcast`, { message: 'with token' }, BEARER);
    expect(accepted.status).to.equal(202);
    expect(accepted.json).to.include({ success: true, code: 202 });
  });

  it('keeps a query access_token out of every log line: access log, error log, replicas', async () => {
    const secret = `eyJ0eXAiOiJKV1QifQ.${randomUUID()}.c2ln`;
    const marker = secret.split('.')[1]!;
    const streams = [
      await connect(),
      await RawSseClient.connect(front!.port, `${STREAM}?topic=news&access_token=${secret}`),
      await RawSseClient.connect(front!.port, `${STREAM}?access%5Ftoken=${secret}&topic=news`),
      await RawSseClient.connect(front!.port, `${STREAM}?topic=news.*`),
    ];
    clients.push(...streams);
    await Promise.all(streams.map((c) => c.waitFor((r) => r.retry !== undefined, 5_000, 'the retry line')));
    // A stream's access log line is written when it ends.
    streams.forEach((c) => c.close());
    // An error-level line about a request carries its request line (and so its query) in nginx's error log.
    expect(await postTooLarge(front!.port, `/api/v1/sso/broadcast?access_token=${secret}`)).to.equal(413);

    const streamLines = (): string[] =>
      front!
        .accessLog()
        .split('\n')
        .filter((l) => l.includes(`GET ${STREAM}`));
    await eventually(() => streamLines().length >= 4 && front!.accessLog().includes('" 413 '), 'the access log lines');
    const log = front!.accessLog();
    expect(log).to.include(`"GET ${STREAM}?<withheld: access_token> HTTP/1.1" 200`);
    expect(log).to.include(`"GET ${STREAM}?topic=news.* HTTP/1.1" 200`);
    expect(log).to.include(`"POST /api/v1/sso/broadcast?<withheld: access_token> HTTP/1.1" 413`);
    for (const [what, text] of [
      ['access log', log],
      ['error log and stderr', front!.output()],
      ...replicas.map((r, i): [string, string] => [`replica ${i + 1}`, r.output()]),
    ]) {
      expect(text, what).not.to.include(marker);
    }
  });

  it('serves the dashboard and the ops endpoints of a replica through /', async () => {
    const page = await fetch(`${front!.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect((await fetch(`${front!.url}/readyz`)).status).to.equal(200);
  });
});
