import type { EventLog, EventLogRead, LogBatch } from '../../src/domain/event-log';

/** One read opened on a FakeEventLog: each `next()` waits until the test answers it. */
export class FakeLogRead implements EventLogRead {
  closes = 0;
  asked = 0;
  private answer: ((batch: LogBatch) => void) | undefined;
  private breakIt: ((error: unknown) => void) | undefined;

  constructor(readonly afterId: string) {}

  /** Whether a `next()` waits for an answer. */
  get waiting(): boolean {
    return this.answer !== undefined;
  }

  next(): Promise<LogBatch> {
    this.asked += 1;
    return new Promise((resolve, reject) => {
      this.answer = resolve;
      this.breakIt = reject;
    });
  }

  close(): void {
    this.closes += 1;
  }

  /** Answers the waiting `next()`; throws when nothing waits (a test that expected a read). */
  respond(batch: LogBatch): void {
    const answer = this.answer;
    if (answer === undefined) throw new Error('FakeLogRead.respond: no next() is waiting');
    this.answer = undefined;
    this.breakIt = undefined;
    answer(batch);
  }

  /** Rejects the waiting `next()`, breaking the port's promise never to reject. */
  reject(error: unknown): void {
    const breakIt = this.breakIt;
    if (breakIt === undefined) throw new Error('FakeLogRead.reject: no next() is waiting');
    this.answer = undefined;
    this.breakIt = undefined;
    breakIt(error);
  }
}

/** An EventLog whose reads the test answers by hand; `busy` makes it refuse new reads. */
export class FakeEventLog implements EventLog {
  readonly reads: FakeLogRead[] = [];
  busy = false;

  readAfter(afterId: string): EventLogRead | 'busy' {
    if (this.busy) return 'busy';
    const read = new FakeLogRead(afterId);
    this.reads.push(read);
    return read;
  }
}

/** Lets the promise callbacks queued so far run (a log answer reaches its replay on a later tick). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
