import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { RatePoller } from '../../../../src/infrastructure/rates/rate-poller';

/** Waits until `predicate` holds, checking every 5 ms; fails after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

describe('RatePoller', () => {
  let poller: RatePoller | undefined;
  afterEach(() => poller?.stop());

  it('polls at once on start, then after the delay each poll returns', async () => {
    let polls = 0;
    poller = new RatePoller(
      () => Promise.resolve(++polls === 1 ? 10 : 60_000),
      1_000,
      () => undefined,
    );
    poller.start();
    expect(polls).to.equal(0);
    await until(() => polls === 2);
    await sleep(50);
    expect(polls).to.equal(2);
  });

  it('never runs two polls at once, however slow a poll is', async () => {
    let open = 0;
    let maxOpen = 0;
    let polls = 0;
    poller = new RatePoller(
      async () => {
        open += 1;
        maxOpen = Math.max(maxOpen, open);
        polls += 1;
        await sleep(30);
        open -= 1;
        return 0;
      },
      1_000,
      () => undefined,
    );
    poller.start();
    poller.start();
    await until(() => polls >= 5);
    expect(maxOpen).to.equal(1);
  });

  it('aborts the poll under way on stop and resolves once it has finished', async () => {
    const seen = { aborted: false, finished: false };
    poller = new RatePoller(
      async (signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        seen.aborted = true;
        await sleep(20);
        seen.finished = true;
        return 0;
      },
      1_000,
      () => undefined,
    );
    poller.start();
    await sleep(5);
    await poller.stop();
    expect(seen).to.deep.equal({ aborted: true, finished: true });
    expect(poller.running).to.equal(false);
  });

  it('schedules nothing after stop', async () => {
    let polls = 0;
    poller = new RatePoller(
      () => Promise.resolve((polls += 1) && 5),
      1_000,
      () => undefined,
    );
    poller.start();
    await until(() => polls >= 2);
    await poller.stop();
    const stoppedAt = polls;
    await sleep(40);
    expect(polls).to.equal(stoppedAt);
  });

  it('reports a poll that throws and carries on after the fallback delay, even if reporting throws too', async () => {
    const errors: unknown[] = [];
    let polls = 0;
    poller = new RatePoller(
      () => {
        polls += 1;
        throw new Error(`bug ${polls}`);
      },
      10,
      (error) => {
        errors.push(error);
        throw new Error('the report failed too');
      },
    );
    poller.start();
    await until(() => polls >= 3);
    expect(errors.map((e) => (e as Error).message).slice(0, 2)).to.deep.equal(['bug 1', 'bug 2']);
  });
});
