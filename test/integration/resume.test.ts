import { expect } from 'chai';
import { post } from '../support/http';
import { FANOUT_MODES, startService, type RunningService } from '../support/in-process-service';
import { RawSseClient } from '../support/raw-sse-client';

const STREAM = '/api/v1/sso/stream';

for (const fanOut of FANOUT_MODES) {
  describe(`Last-Event-ID resume (FANOUT=${fanOut})`, () => {
    let service: RunningService;
    let ids: string[] = [];
    const clients: RawSseClient[] = [];
    const connect = async (target: string, headers: Record<string, string> = {}): Promise<RawSseClient> => {
      const client = await RawSseClient.connect(service.port, target, headers);
      clients.push(client);
      await client.waitFor((c) => c.retry !== undefined, 5_000, 'retry line');
      return client;
    };
    const publish = async (message: unknown, topic?: string): Promise<string> => {
      const answer = await post(
        `${service.url}/api/v1/sso/broadcast`,
        topic === undefined ? { message } : { message, topic },
      );
      expect(answer.status).to.equal(202);
      return answer.json.id as string;
    };
    const messages = (c: RawSseClient): unknown[] =>
      c.events.filter((e) => e.id !== undefined).map((e) => (JSON.parse(e.data) as { message: unknown }).message);

    // A fresh service per test: a history of 5 after 7 publishes holds m2..m6 (m3 on another topic).
    beforeEach(async () => {
      service = await startService({ historySize: 5, fanOut });
      ids = [];
      for (let n = 0; n < 7; n += 1) ids.push(await publish(`m${n}`, n === 3 ? 'other' : undefined));
    });
    afterEach(async () => {
      clients.splice(0).forEach((c) => c.close());
      await service.stop();
    });

    it('replays what followed the Last-Event-ID header, in order, then goes live', async () => {
      const client = await connect(STREAM, { 'Last-Event-ID': ids[3]! });
      await client.waitForEvents(3);
      const live = await publish('live');
      await client.waitForEvents(4);
      expect(client.events.map((e) => e.id)).to.deep.equal([ids[4], ids[5], ids[6], live]);
      expect(messages(client)).to.deep.equal(['m4', 'm5', 'm6', 'live']);
    });

    it('takes the id from the lastEventId query when the client cannot set headers', async () => {
      const client = await connect(`${STREAM}?lastEventId=${ids[4]!}`);
      await client.waitForEvents(2);
      expect(messages(client)).to.deep.equal(['m5', 'm6']);
    });

    it('prefers the header when both are given', async () => {
      const client = await connect(`${STREAM}?lastEventId=${ids[2]!}`, { 'Last-Event-ID': ids[5]! });
      await client.waitForEvents(1);
      await publish('after');
      await client.waitForEvents(2);
      expect(messages(client)).to.deep.equal(['m6', 'after']);
    });

    it('replays only the topics the subscription asked for', async () => {
      const client = await connect(`${STREAM}?topic=other`, { 'Last-Event-ID': ids[2]! });
      await client.waitForEvents(1);
      const live = await publish('other live', 'other');
      await client.waitForEvents(2);
      expect(client.events.map((e) => e.id)).to.deep.equal([ids[3], live]);
    });

    it('sends a reset without an id, then the whole history, for an id the history no longer holds', async () => {
      const client = await connect(STREAM, { 'Last-Event-ID': ids[0]! });
      await client.waitForEvents(6);
      const data = `{"reason":"history-gap","lastEventId":"${ids[0]!}"}`;
      expect(client.events[0]).to.deep.equal({ id: undefined, event: 'reset', data });
      expect(client.body.startsWith(`event: reset\ndata: ${data}\n\nid: `, client.body.indexOf('\n\n') + 2)).to.equal(
        true,
      );
      expect(messages(client).slice(0, 5)).to.deep.equal(['m2', 'm3', 'm4', 'm5', 'm6']);
    });

    it('treats an id it never saw like one that is too old', async () => {
      const client = await connect(STREAM, { 'Last-Event-ID': 'never-seen' });
      await client.waitForEvents(1);
      expect(client.events[0]).to.deep.include({
        event: 'reset',
        data: '{"reason":"history-gap","lastEventId":"never-seen"}',
      });
    });

    it('treats an empty Last-Event-ID as none: no replay, no reset', async () => {
      const client = await connect(`${STREAM}?lastEventId=`, { 'Last-Event-ID': '' });
      const live = await publish('only live');
      await client.waitForEvents(1);
      expect(client.events).to.deep.equal([{ id: live, event: undefined, data: '{"message":"only live"}' }]);
    });

    it('sends nothing to replay when the client already has the newest event', async () => {
      const client = await connect(STREAM, { 'Last-Event-ID': ids[6]! });
      const live = await publish('next');
      await client.waitForEvents(1);
      expect(client.events.map((e) => e.id)).to.deep.equal([live]);
    });
  });
}
