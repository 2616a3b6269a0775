import { expect } from 'chai';
import http from 'node:http';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';

const BROADCAST = '/api/v1/sso/broadcast';
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Sends a raw request so the body, its length and its framing are exactly what the test says. */
function rawPost(
  port: number,
  headers: Record<string, string>,
  body: string | Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: BROADCAST, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => (text += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const fanOut of FANOUT_MODES) {
  describe(`POST /api/v1/sso/broadcast (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    let watcher: RawSseClient;
    /** Every id answered with 202, in order: exactly what the watcher must have seen. */
    const accepted: string[] = [];

    before(async () => {
      service = await startService({ maxBodyBytes: 1024, fanOut });
      watcher = await RawSseClient.connect(service.port, '/api/v1/sso/stream');
      await watcher.waitFor((c) => c.retry !== undefined);
    });
    after(async () => {
      watcher.close();
      await service.stop();
    });

    /** Proves nothing was published by refused requests: the watcher saw the accepted events and nothing else. */
    afterEach(async () => {
      const answer = await post(`${service.url}${BROADCAST}`, { message: 'marker' });
      accepted.push(answer.json.id as string);
      await watcher.waitFor((c) => c.events.some((e) => e.id === answer.json.id));
      expect(watcher.events.map((e) => e.id)).to.deep.equal(accepted);
    });

    it('accepts a message with 202, its id, and delivers {"message": …}', async () => {
      const answer = await post(`${service.url}${BROADCAST}`, { message: null });
      expect(answer.status).to.equal(202);
      expect(answer.json).to.deep.equal({ success: true, code: 202, id: answer.json.id });
      expect(answer.json.id).to.be.a('string').with.length.greaterThan(0);
      accepted.push(answer.json.id as string);
      await watcher.waitFor((c) => c.events.some((e) => e.id === answer.json.id));
      expect(watcher.events.at(-1)?.data).to.equal('{"message":null}');
    });

    it('accepts charset and other parameters on the JSON content type', async () => {
      const answer = await rawPost(
        service.port,
        { 'Content-Type': 'application/json; charset=UTF-8' },
        '{"message":"ok"}',
      );
      expect(answer.status).to.equal(202);
      accepted.push((JSON.parse(answer.body) as { id: string }).id);
    });

    const refusals: [string, Record<string, string>, string | Buffer, number, RegExp][] = [
      ['no content type', {}, '{"message":1}', 415, /application\/json/],
      ['text/plain', { 'Content-Type': 'text/plain' }, '{"message":1}', 415, /application\/json/],
      ['form encoding', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'message=1', 415, /application\/json/],
      ['a body over MAX_BODY_BYTES', JSON_TYPE, `{"message":"${'x'.repeat(2000)}"}`, 413, /larger than 1024/],
      [
        'an oversize chunked body',
        { ...JSON_TYPE, 'Transfer-Encoding': 'chunked' },
        `{"message":"${'y'.repeat(5000)}"}`,
        413,
        /larger/,
      ],
      ['malformed JSON', JSON_TYPE, '{"message":', 400, /not valid JSON/],
      // The order of SPEC.md: 415 before 413, 413 before 400.
      [
        'an oversize body of the wrong type',
        { 'Content-Type': 'text/plain' },
        'z'.repeat(5000),
        415,
        /application\/json/,
      ],
      ['an oversize body that is not JSON either', JSON_TYPE, `{"message":${'['.repeat(3000)}`, 413, /larger/],
      ['an empty body', JSON_TYPE, '', 400, /not valid JSON/],
      ['invalid UTF-8', JSON_TYPE, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 400, /not UTF-8/],
      [
        'a message nesting deeper than 64 levels',
        JSON_TYPE,
        `{"message":${'['.repeat(65)}${']'.repeat(65)}}`,
        400,
        /deeper than 64/,
      ],
      [
        'a message nesting 400 levels',
        JSON_TYPE,
        `{"message":${'['.repeat(400)}${']'.repeat(400)}}`,
        400,
        /deeper than 64/,
      ],
      ['a hub event name (reset)', JSON_TYPE, '{"message":1,"event":"reset"}', 400, /reserved/],
      ['a hub event name (heartbeat)', JSON_TYPE, '{"message":1,"event":"heartbeat"}', 400, /reserved/],
      ['a hub event name (auth-expiring)', JSON_TYPE, '{"message":1,"event":"auth-expiring"}', 400, /reserved/],
      ['private without a JWT key', JSON_TYPE, '{"message":1,"private":true}', 400, /JWT key/],
      ['private that is not a boolean', JSON_TYPE, '{"message":1,"private":"yes"}', 400, /private/],
      ['a JSON array', JSON_TYPE, '[{"message":1}]', 400, /object/],
      ['a JSON string', JSON_TYPE, '"hello"', 400, /object/],
      ['no message', JSON_TYPE, '{"topic":"broadcast"}', 400, /"message" is required/],
      ['an invalid topic', JSON_TYPE, '{"message":1,"topic":"no spaces"}', 400, /topic/],
      ['a too long topic', JSON_TYPE, `{"message":1,"topic":"${'t'.repeat(129)}"}`, 400, /topic/],
      ['a topic that is not a string', JSON_TYPE, '{"message":1,"topic":5}', 400, /topic/],
      ['an invalid event name', JSON_TYPE, '{"message":1,"event":"a\\nb"}', 400, /event/],
      ['an unknown field', JSON_TYPE, '{"message":1,"mesage":2}', 400, /mesage/],
    ];
    for (const [what, headers, body, status, message] of refusals) {
      it(`refuses ${what} with ${status} and the JSON error shape, publishing nothing`, async () => {
        const answer = await rawPost(service.port, headers, body);
        expect(answer.status).to.equal(status);
        const json = JSON.parse(answer.body) as Record<string, unknown>;
        expect(json).to.include({ success: false, code: status });
        expect(json.message).to.match(message);
      });
    }
  });
}
