import { expect } from 'chai';
import { RatePoller } from '../../../../src/infrastructure/rates/rate-poller';
import { ManualTime, settle } from './manual-time';

const FALLBACK_MS = 1_000;

/** A poll that is held open until the test releases it (or the poller stops). */
function heldPoll() {
  const state = { polls: 0, open: 0, maxOpen: 0, release: (): void => undefined };
  const poll = (signal: AbortSignal): Promise<number> => {
    state.polls += 1;
    state.open += 1;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    return new Promise<number>((resolve) => {
      state.release = () => {
        state.open -= 1;
        resolve(10);
      };
      signal.addEventListener('abort', () => state.release());
    });
  };
  return { state, poll };
}

describe('RatePoller', () => {
  let time: ManualTime;
  let poller: RatePoller | undefined;
  beforeEach(() => (time = new ManualTime()));
  afterEach(() => poller?.stop());

  it('polls at once on start, then after the delay each poll returns, on its timer', async () => {
    let polls = 0;
    poller = new RatePoller(
      () => Promise.resolve(++polls === 1 ? 10 : 60_000),
      FALLBACK_MS,
      () => undefined,
      time,
    );
    poller.start();
    expect(polls).to.equal(0);
    await settle();
    expect(polls).to.equal(1);
    await time.advance(9);
    expect(polls).to.equal(1);
    await time.advance(1);
    expect(polls).to.equal(2);
    expect(time.waiting).to.deep.equal([60_000]);
  });

  it('never runs two polls at once, however slow a poll is', async () => {
    const { state, poll } = heldPoll();
    poller = new RatePoller(poll, FALLBACK_MS, () => undefined, time);
    poller.start();
    poller.start();
    for (let round = 1; round <= 3; round += 1) {
      await time.advance(5_000);
      expect(state.polls, 'held: no other poll starts').to.equal(round);
      state.release();
      await time.advance(10);
    }
    expect(state.maxOpen).to.equal(1);
  });

  it('aborts the poll under way on stop and resolves once it has finished', async () => {
    const seen = { aborted: false, finished: false };
    poller = new RatePoller(
      async (signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        seen.aborted = true;
        await settle();
        seen.finished = true;
        return 0;
      },
      FALLBACK_MS,
      () => undefined,
      time,
    );
    poller.start();
    await settle();
    await poller.stop();
    expect(seen).to.deep.equal({ aborted: true, finished: true });
    expect(poller.running).to.equal(false);
  });

  it('schedules nothing after stop', async () => {
    let polls = 0;
    poller = new RatePoller(
      () => Promise.resolve((polls += 1) && 5),
      FALLBACK_MS,
      () => undefined,
      time,
    );
    poller.start();
    await time.advance(5);
    expect(polls).to.equal(2);
    await poller.stop();
    expect(time.waiting, 'the next poll is cancelled').to.deep.equal([]);
    await time.advance(1_000);
    expect(polls).to.equal(2);
  });

  it('reports a poll that throws and carries on after the fallback delay, even if reporting throws too', async () => {
    const errors: unknown[] = [];
    let polls = 0;
    poller = new RatePoller(
      () => {
        polls += 1;
        throw new Error(`bug ${polls}`);
      },
      FALLBACK_MS,
      (error) => {
        errors.push(error);
        throw new Error('the report failed too');
      },
      time,
    );
    poller.start();
    await settle();
    expect(time.waiting).to.deep.equal([FALLBACK_MS]);
    await time.advance(FALLBACK_MS);
    await time.advance(FALLBACK_MS);
    expect(polls).to.equal(3);
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(['bug 1', 'bug 2', 'bug 3']);
  });
});
