import { expect } from 'chai';
import type { ModeFigures } from '../../../test/chaos/chaos-stats';
import { formatTable, judgedReport, passes, verdictLine, type ModeReport } from '../../../test/chaos/report-table';

const CLEAN: ModeFigures = {
  acknowledged: 360,
  delivered: { min: 360, median: 360, max: 360 },
  lostPairs: 0,
  lostEvents: 0,
  duplicated: 0,
  outOfOrder: 0,
  pause: { p50: 120, max: 900, kill: 900, nodeKills: [] },
};

const report = (mode: 'stream' | 'exclusive', figures: Partial<ModeFigures> = {}): ModeReport => ({
  mode,
  figures: { ...CLEAN, ...figures },
  clients: 8,
  cuts: 6,
  kills: 1,
  nodeKills: 0,
  retries: 12,
  resets: 0,
  reconnects: 4,
  gaveUp: 0,
  seconds: 24.5,
});

describe('verdictLine', () => {
  it('states acknowledged, lost pairs, duplicated and out of order, in that wording', () => {
    const figures = { ...CLEAN, lostPairs: 3, lostEvents: 1, duplicated: 2, outOfOrder: 5 };
    expect(verdictLine(figures)).to.equal('chaos: 360 acknowledged, 3 lost, 2 duplicated, 5 out of order');
  });
});

describe('passes', () => {
  it('passes a run that lost, duplicated and reordered nothing', () => {
    expect(passes(CLEAN)).to.equal(true);
  });

  it('fails on any loss, duplicate or reordering, and on a run that acknowledged nothing', () => {
    for (const bad of [{ lostPairs: 1 }, { duplicated: 1 }, { outOfOrder: 1 }, { acknowledged: 0 }]) {
      expect(passes({ ...CLEAN, ...bad }), JSON.stringify(bad)).to.equal(false);
    }
  });
});

describe('judgedReport', () => {
  it('judges the stream run, and nothing when only exclusive ran', () => {
    const stream = report('stream');
    expect(judgedReport([report('exclusive'), stream])).to.equal(stream);
    expect(judgedReport([report('exclusive')])).to.equal(undefined);
  });
});

describe('formatTable', () => {
  it('puts the modes side by side under a header, one figure per row', () => {
    const lines = formatTable([report('stream'), report('exclusive', { lostPairs: 1234 })]);
    expect(lines[0]).to.match(/^\s+AMQP_QUEUE=stream\s+AMQP_QUEUE=exclusive$/);
    expect(lines.find((l) => l.startsWith('lost (client x event)'))).to.match(/\s0\s+1234$/);
    expect(lines.find((l) => l.startsWith('delivered per client'))).to.match(/360\/360\/360\s+360\/360\/360$/);
    expect(lines.find((l) => l.startsWith('pause at the kill'))).to.match(/900\s+900$/);
    expect(new Set(lines.map((l) => l.length)).size, 'right-aligned columns').to.equal(1);
  });

  it('shows p50/max of the pauses at node kills, and a dash without any', () => {
    const cluster = report('stream', { pause: { ...CLEAN.pause, nodeKills: [800, 450, 1200, 600] } });
    const lines = formatTable([{ ...cluster, nodeKills: 4 }, report('exclusive')]);
    expect(lines.find((l) => l.startsWith('pause at node kills'))).to.match(/\s600\/1200\s+-$/);
    expect(lines.find((l) => l.startsWith('faults: cuts, kills, node kills'))).to.match(/6, 1, 4\s+6, 1, 0$/);
  });
});
