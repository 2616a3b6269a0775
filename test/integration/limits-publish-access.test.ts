import { expect } from 'chai';
import { post } from '../support/http';
import { startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';
import { runServiceToExit, spawnService } from '../support/service-process';

const BROADCAST = '/api/v1/sso/broadcast';

/** Headers only a proxy adds, each with a value that claims the request is local. */
const PROXY_HEADERS: Record<string, string> = {
  Forwarded: 'for=127.0.0.1;proto=http',
  'X-Forwarded-For': '127.0.0.1',
  'X-Forwarded-Host': 'localhost',
  'X-Real-IP': '127.0.0.1',
  Via: '1.1 localhost',
};

describe('who may publish without PUBLISH_TOKEN', () => {
  let service: RunningService;
  let watcher: RawSseClient;
  before(async () => {
    service = await startService();
    watcher = await RawSseClient.connect(service.port, '/api/v1/sso/stream');
    await watcher.waitFor((c) => c.retry !== undefined);
  });
  after(async () => {
    watcher.close();
    await service.stop();
  });

  for (const [name, value] of Object.entries(PROXY_HEADERS)) {
    it(`refuses a loopback request carrying ${name} with 403, publishing nothing`, async () => {
      const refused = await post(
        `${service.url}${BROADCAST}`,
        { message: name },
        {
          'Content-Type': 'application/json',
          [name]: value,
        },
      );
      expect(refused.status).to.equal(403);
      expect(refused.json).to.include({ success: false, code: 403 });
      // The same request without the header is local: its event is the only one the watcher sees.
      const marker = await post(`${service.url}${BROADCAST}`, { message: `marker ${name}` });
      expect(marker.status).to.equal(202);
      await watcher.waitFor((c) => c.events.some((e) => e.id === marker.json.id));
      expect(watcher.events.filter((e) => e.data.includes(`"${name}"`))).to.deep.equal([]);
    });
  }

  it('refuses the header in any letter case, empty, or repeated', async () => {
    const variants: Record<string, string>[] = [
      { 'x-forwarded-for': '' },
      { 'X-FORWARDED-FOR': '127.0.0.1, 127.0.0.1' },
      { VIA: '' },
      { forwarded: 'for="[::1]"' },
    ];
    for (const headers of variants) {
      const refused = await post(
        `${service.url}${BROADCAST}`,
        { message: 'x' },
        {
          'Content-Type': 'application/json',
          ...headers,
        },
      );
      expect(refused.status, JSON.stringify(headers)).to.equal(403);
    }
  });
});

describe('PUBLISH_TOKEN rules (built process)', () => {
  const bad: Record<string, string> = {
    'shorter than 16 characters': 'fifteen-chars-x',
    'with a leading space': ' sixteen-chars-xx',
    'with a trailing space': 'sixteen-chars-xx ',
    'with a trailing newline': 'sixteen-chars-xx\n',
    'with a leading tab': '\tsixteen-chars-xx',
  };
  for (const [what, token] of Object.entries(bad)) {
    it(`exits 2 with one line for a token ${what}, never echoing it`, async () => {
      const { code, output } = await runServiceToExit({ PUBLISH_TOKEN: token, PORT: '0', RATE_SOURCE: 'off' });
      expect(code).to.equal(2);
      expect(output.trim().split('\n'), output).to.have.length(1);
      expect(output).to.match(/PUBLISH_TOKEN/);
      expect(output).not.to.include(token.trim());
    });
  }

  it('starts with a token of exactly 16 characters', async () => {
    const proc = await spawnService({ PUBLISH_TOKEN: 'sixteen-chars-xx' });
    try {
      const answer = await post(
        `${proc.url}${BROADCAST}`,
        { message: 'ok' },
        {
          'Content-Type': 'application/json',
          Authorization: 'Bearer sixteen-chars-xx',
        },
      );
      expect(answer.status).to.equal(202);
    } finally {
      await proc.stop();
    }
  });
});
