import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { broadcastWith, HS_SECRET, hsToken, readerClaims } from '../support/hub-tokens';
import { RawSseClient } from '../support/raw-sse-client';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { STREAM, streamTarget } from '../support/stream-clients';

/** Sends `request` as raw bytes and resolves with whatever comes back before the server closes (or 2 s). */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 2_000);
    socket.on('data', (b: Buffer) => (answer += b.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
  });
}

/** A whole answer with a Content-Length has arrived (the server may keep the connection open after it). */
const answered = (c: RawSseClient): boolean =>
  c.headers['content-length'] !== undefined && Buffer.byteLength(c.body) >= Number(c.headers['content-length']);

describe('the access_token query (built service, LOG_LEVEL=debug)', () => {
  let proc: ServiceProcess | undefined;
  after(() => proc?.stop());

  it('appears in no log line and no metric, whatever the request that carried it', async () => {
    proc = await spawnService({ JWT_KEY: HS_SECRET, LOG_LEVEL: 'debug' });
    const { port, url } = proc;
    const unique = randomBytes(12).toString('hex');
    const good = await hsToken({ ...readerClaims('vip'), jti: unique });
    const bad = `not-a-jwt-${randomBytes(12).toString('hex')}`;
    const forged = `${good.slice(0, good.lastIndexOf('.') + 1)}${randomBytes(32).toString('base64url')}`;
    const secrets = [good, bad, forged];

    const stream = await RawSseClient.connect(port, streamTarget({ access_token: good, rewind: '1' }));
    await stream.waitFor((c) => c.status !== 0);
    expect(stream.status, 'an empty history still opens').to.equal(200);
    stream.close();
    const answers: [string, RawSseClient][] = [];
    for (const [what, target] of [
      ['a bad topic', streamTarget({ access_token: good, topic: 'no spaces' })],
      ['a bad token', streamTarget({ access_token: bad })],
      ['a forged token', streamTarget({ access_token: forged, topic: 'no spaces' })],
      ['a token twice', `${STREAM}?access_token=${good}&access_token=${bad}`],
      ['an unknown path', `/api/v1/sso/streams?access_token=${good}`],
      ['a path variant', `/API/v1/sso/stream/?access_token=${bad}`],
    ] as const) {
      const client = await RawSseClient.connect(port, target);
      await client.waitFor((c) => c.status === 200 || c.closed || answered(c), 5_000, what);
      client.close();
      answers.push([what, client]);
    }
    expect(answers.map(([what, c]) => [what, c.status])).to.deep.equal([
      ['a bad topic', 400],
      ['a bad token', 401],
      ['a forged token', 401],
      ['a token twice', 401], // ambiguous: neither is taken
      ['an unknown path', 404],
      ['a path variant', 401],
    ]);
    const raw = [
      `POST ${STREAM}?access_token=${good} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`,
      `GET ${STREAM}?access_token=${good} HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n`,
      `GET ${STREAM}?access_token=${bad} HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
      `GET ${STREAM}?access_token=${forged} HTTP/9.9\r\n\r\n`,
      // Absolute-form targets that are not URLs: answered, closed, and never printed (nor Node's warning).
      `GET http://x:99999${STREAM}?access_token=${good} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET http://[::1${STREAM}?access_token=${bad} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    const rawAnswers = await Promise.all(raw.map((request) => rawExchange(port, request)));
    expect(rawAnswers.map((a) => a.slice(0, 12))).to.deep.equal([
      'HTTP/1.1 405',
      'HTTP/1.1 400',
      'HTTP/1.1 431',
      'HTTP/1.1 400',
      'HTTP/1.1 400',
      'HTTP/1.1 400',
    ]);
    const broadcast = await broadcastWith(url, forged, { message: 'x' });
    expect(broadcast.status).to.equal(401);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    await proc.stop();
    const output = proc.output();
    expect(output, 'the output was captured').to.include('"msg":"listening"');
    for (const secret of secrets) {
      // The signature alone, or any 24 characters of the token, would be a leak too.
      const pieces = [secret, secret.slice(-24), secret.slice(8, 32)];
      for (const piece of pieces) {
        expect(output.includes(piece), `the output holds ${piece}`).to.equal(false);
        expect(metrics.includes(piece), `the metrics hold ${piece}`).to.equal(false);
      }
    }
    for (const [what, client] of answers) expect(client.body.includes(unique), what).to.equal(false);
  });
});
