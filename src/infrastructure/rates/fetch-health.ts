import { READY, type Readiness } from '../../application/ports/readiness';

/**
 * Whether fetching works, for /readyz: not before the first valid answer, not
 * while the key is rejected, and not once `unreadyAfter` polls in a row
 * brought nothing valid.
 */
export class FetchHealth {
  private running = false;
  private everSucceeded = false;
  private failedPolls = 0;
  private lastProblem = '';
  private rejectedKey: string | undefined;

  constructor(private readonly unreadyAfter: number) {}

  started(): void {
    this.running = true;
  }

  stopped(): void {
    this.running = false;
  }

  /** A poll that made requests: did any bring a valid quote, and if not, why. */
  polled(succeeded: boolean, problem: string): void {
    if (succeeded) {
      this.everSucceeded = true;
      this.failedPolls = 0;
      this.rejectedKey = undefined;
      return;
    }
    this.failedPolls += 1;
    this.lastProblem = problem;
  }

  keyRejected(detail: string): void {
    this.rejectedKey = detail;
  }

  readiness(): Readiness {
    if (!this.running) return { ready: false, reason: 'CoinAPI rates are stopped' };
    if (this.rejectedKey !== undefined)
      return { ready: false, reason: `CoinAPI rejects the key (${this.rejectedKey})` };
    if (!this.everSucceeded) {
      const why = this.lastProblem === '' ? 'waiting for the first answer' : this.lastProblem;
      return { ready: false, reason: `no valid CoinAPI rate yet: ${why}` };
    }
    if (this.failedPolls >= this.unreadyAfter) {
      return { ready: false, reason: `the last ${this.failedPolls} CoinAPI polls failed: ${this.lastProblem}` };
    }
    return READY;
  }
}
