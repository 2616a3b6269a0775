import { expect } from 'chai';
import type { FaultAction } from '../../../test/chaos/fault-schedule';
import { FaultRunner, type FaultHooks } from '../../../test/chaos/fault-runner';
import { eventually } from '../../support/wait';

/** Hooks that record what was done, in order. */
function recordingHooks(failRestart = false): FaultHooks & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    cut: (n) => calls.push(`cut ${n}`),
    restore: (n) => calls.push(`restore ${n}`),
    kill: (n) => Promise.resolve(void calls.push(`kill ${n}`)),
    restart: (n) => {
      calls.push(`restart ${n}`);
      return failRestart ? Promise.reject(new Error('did not become ready')) : Promise.resolve();
    },
    killNode: (target) => {
      const node = target === 'leader' ? 2 : 3;
      calls.push(`kill node ${node} (${target})`);
      return Promise.resolve(node);
    },
    restartNode: (node) => Promise.resolve(void calls.push(`restart node ${node}`)),
  };
}

describe('FaultRunner', () => {
  it('carries out cuts and the kill in order and records when each began and ended', async () => {
    const plan: FaultAction[] = [
      { kind: 'cut', replica: 0, at: 0, durationMs: 40 },
      { kind: 'kill', replica: 1, at: 10, downMs: 5 },
    ];
    const hooks = recordingHooks();
    const runner = new FaultRunner(plan, hooks);
    await runner.run(new AbortController().signal);
    expect(hooks.calls).to.deep.equal(['cut 0', 'kill 1', 'restart 1', 'restore 0']);
    expect(runner.windows.map((w) => `${w.kind} ${w.replica}`)).to.deep.equal(['kill 1', 'cut 0']);
    for (const w of runner.windows) expect(w.end).to.be.greaterThan(w.start);
    expect([runner.cuts, runner.kills]).to.deep.equal([1, 1]);
  });

  it('runs chained faults one after another, each a gap after the previous ended, and records node kills', async () => {
    const plan: FaultAction[] = [
      { kind: 'kill', replica: 0, at: 0, downMs: 30, chained: 20 },
      { kind: 'node', target: 'leader', at: 0, downMs: 30, chained: 20 },
      { kind: 'node', target: 'other', at: 0, downMs: 5, chained: 20 },
    ];
    const hooks = recordingHooks();
    const runner = new FaultRunner(plan, hooks);
    await runner.run(new AbortController().signal);
    expect(hooks.calls).to.deep.equal([
      'kill 0',
      'restart 0',
      'kill node 2 (leader)',
      'restart node 2',
      'kill node 3 (other)',
      'restart node 3',
    ]);
    const [replica, first, second] = runner.windows;
    expect(first).to.deep.include({ kind: 'node', node: 2, target: 'leader' });
    expect(second).to.deep.include({ kind: 'node', node: 3, target: 'other' });
    expect(first!.start - replica!.end).to.be.at.least(19);
    expect(second!.start - first!.end).to.be.at.least(19);
    expect([runner.kills, runner.nodeKills]).to.deep.equal([1, 2]);
  });

  it('restores a cut at once and starts nothing more when aborted', async () => {
    const plan: FaultAction[] = [
      { kind: 'cut', replica: 0, at: 0, durationMs: 60_000 },
      { kind: 'kill', replica: 1, at: 60_000, downMs: 5 },
    ];
    const hooks = recordingHooks();
    const controller = new AbortController();
    const running = new FaultRunner(plan, hooks).run(controller.signal);
    await eventually(() => hooks.calls.length > 0, 'the cut');
    controller.abort();
    await running;
    expect(hooks.calls).to.deep.equal(['cut 0', 'restore 0']);
  });

  it('rejects when a restart fails, and abandons the faults not yet begun', async () => {
    const plan: FaultAction[] = [
      { kind: 'kill', replica: 0, at: 0, downMs: 1 },
      { kind: 'cut', replica: 1, at: 60_000, durationMs: 10 },
    ];
    const hooks = recordingHooks(true);
    const outcome = await new FaultRunner(plan, hooks).run(new AbortController().signal).then(
      () => 'resolved',
      (error: unknown) => (error as Error).message,
    );
    expect(outcome).to.equal('did not become ready');
    expect(hooks.calls).to.deep.equal(['kill 0', 'restart 0']);
  });
});
