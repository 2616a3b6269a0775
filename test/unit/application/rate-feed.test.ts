import { expect } from 'chai';
import { setImmediate as flush } from 'node:timers/promises';
import { IngestRate } from '../../../src/application/ingest-rate.use-case';
import { RateFeed } from '../../../src/application/rate-feed';
import type { DomainError } from '../../../src/domain/errors';
import type { RateQuote } from '../../../src/domain/rate';
import type { Result } from '../../../src/domain/result';
import { Metrics } from '../../../src/infrastructure/metrics/metrics';
import { quote } from '../../fakes/fake-rate-source';
import { BUS_DOWN } from '../../fakes/recording-event-bus';
import { sequenceId } from '../../fakes/sequence-id-generator';
import { wireWithFakes, type Wired } from './wire-with-fakes';

type Report = [RateQuote, Result<{ readonly id: string }, DomainError>];

describe('RateFeed', () => {
  let wired: Wired;
  let reports: Report[];
  let feed: RateFeed;

  beforeEach(() => {
    wired = wireWithFakes({ rateSource: 'simulated' });
    reports = [];
    feed = new RateFeed(wired.source, wired.container.get(IngestRate), (q, outcome) => reports.push([q, outcome]));
  });

  it('publishes every quote of the source on the bus once started', async () => {
    feed.start();
    await wired.source.emit(quote());
    await wired.source.emit(quote({ base: 'ETH', rate: 2900 }));
    await flush();
    expect(wired.bus.published.map((e) => e.topic)).to.deep.equal(['rates.BTC-USD', 'rates.ETH-USD']);
  });

  it('reports every quote with its outcome', async () => {
    feed.start();
    const good = quote();
    await wired.source.emit(good);
    await flush();
    expect(reports).to.deep.equal([[good, { ok: true, value: { id: sequenceId(1) } }]]);
  });

  it('reports an invalid quote as invalid-input and publishes nothing', async () => {
    feed.start();
    const bad = quote({ rate: -5 });
    await wired.source.emit(bad);
    await flush();
    expect(reports).to.have.length(1);
    expect(reports[0]?.[0]).to.equal(bad);
    expect(reports[0]?.[1]).to.nested.include({ ok: false, 'error.code': 'invalid-input' });
    expect(wired.bus.attempts).to.deep.equal([]);
  });

  it('reports bus-unavailable when the bus refuses the quote', async () => {
    feed.start();
    wired.bus.mode = 'unavailable';
    await wired.source.emit(quote());
    await flush();
    expect(reports.map(([, outcome]) => outcome)).to.deep.equal([{ ok: false, error: BUS_DOWN }]);
  });

  it('reports a failure rather than throwing when publishing rejects', async () => {
    feed.start();
    wired.bus.mode = 'reject';
    await wired.source.emit(quote());
    await flush();
    expect(reports[0]?.[1]).to.nested.include({ ok: false, 'error.code': 'bus-unavailable' });
  });

  it('stops the source when stopped, and reports its readiness', async () => {
    expect(feed.readiness().ready).to.equal(false);
    feed.start();
    expect(feed.readiness()).to.deep.equal({ ready: true });
    await feed.stop();
    expect(wired.source.stops).to.equal(1);
    expect(wired.source.running).to.equal(false);
  });

  describe('as wired by the container', () => {
    it('takes its quotes from the bound rate source to the bound bus', async () => {
      wired.container.get(RateFeed).start();
      await wired.source.emit(quote());
      await flush();
      expect(wired.bus.published).to.have.length(1);
      expect(JSON.parse(wired.bus.published[0]?.data ?? 'null')).to.include({
        asset_id_base: 'BTC',
        rate: quote().rate,
      });
    });

    it('counts a quote the bus refused as a rate fetch error', async () => {
      wired.container.get(RateFeed).start();
      wired.bus.mode = 'unavailable';
      await wired.source.emit(quote());
      await wired.source.emit(quote());
      await flush();
      const metric = await wired.container.get(Metrics).rateFetchErrors.get();
      expect(metric.values).to.deep.include({ value: 2, labels: { reason: 'bus-unavailable' } });
    });
  });
});
