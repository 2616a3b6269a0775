import { expect } from 'chai';
import type { Entry } from '../../../src/domain/entry';
import { LATEST_TOPICS, LatestEvents } from '../../../src/domain/latest-events';
import { audience } from './broker-kit';

let seq = 0;
const entry = (id: string, topic: string, options: { private?: boolean; bytes?: number } = {}): Entry => ({
  seq: (seq += 1),
  id,
  topic,
  private: options.private ?? false,
  frame: new Uint8Array(options.bytes ?? 10),
  conflatable: false,
});

const idsSeenBy = (latest: LatestEvents, topics: string[] = [], privateTopics: string[] = []): string[] =>
  latest.seenBy(audience(topics, privateTopics)).map((e) => e.id);

describe('LatestEvents', () => {
  it('keeps the newest entry of each topic and gives them in fan-out order', () => {
    const latest = new LatestEvents(1 << 20);
    for (const [id, topic] of [
      ['a1', 'A'],
      ['b1', 'B'],
      ['a2', 'A'],
      ['c1', 'C'],
    ])
      latest.put(entry(id!, topic!));
    expect(idsSeenBy(latest)).to.deep.equal(['b1', 'a2', 'c1']);
    expect(latest.size).to.equal(3);
  });

  it('gives only the topics the audience selects', () => {
    const latest = new LatestEvents(1 << 20);
    latest.put(entry('r1', 'rates.A'));
    latest.put(entry('n1', 'news'));
    expect(idsSeenBy(latest, ['rates.*'])).to.deep.equal(['r1']);
  });

  it('gives the newest event of a topic the audience may see: a private one only with the grant', () => {
    const latest = new LatestEvents(1 << 20);
    latest.put(entry('o1', 'orders'));
    latest.put(entry('o2', 'orders', { private: true }));
    latest.put(entry('s1', 'secret', { private: true }));
    expect(idsSeenBy(latest)).to.deep.equal(['o1']);
    expect(idsSeenBy(latest, [], ['orders', 'secret'])).to.deep.equal(['o2', 's1']);
    latest.put(entry('o3', 'orders'));
    expect(idsSeenBy(latest, [], ['orders'])).to.deep.equal(['o3']);
  });

  it('evicts the topic updated longest ago past its number of topics', () => {
    const latest = new LatestEvents(1 << 20, 2);
    latest.put(entry('a1', 'A'));
    latest.put(entry('b1', 'B'));
    latest.put(entry('a2', 'A'));
    latest.put(entry('c1', 'C'));
    expect(idsSeenBy(latest)).to.deep.equal(['a2', 'c1']);
  });

  it('evicts the topics updated longest ago past its bytes', () => {
    const latest = new LatestEvents(25);
    latest.put(entry('a1', 'A', { bytes: 10 }));
    latest.put(entry('b1', 'B', { bytes: 10 }));
    latest.put(entry('c1', 'C', { bytes: 10 }));
    expect(idsSeenBy(latest)).to.deep.equal(['b1', 'c1']);
    latest.put(entry('b2', 'B', { bytes: 5 }));
    latest.put(entry('d1', 'D', { bytes: 5 }));
    expect(idsSeenBy(latest)).to.deep.equal(['c1', 'b2', 'd1']);
  });

  it('keeps 10,000 topics by default', () => {
    const latest = new LatestEvents(1 << 30);
    for (let n = 0; n <= LATEST_TOPICS; n += 1) latest.put(entry(`e${n}`, `t${n}`, { bytes: 1 }));
    expect(LATEST_TOPICS).to.equal(10_000);
    expect(latest.size).to.equal(10_000);
    expect(idsSeenBy(latest, ['t0', 't1', 't10000'])).to.deep.equal(['e1', 'e10000']);
  });
});
