import type { EventLog, EventLogRead, LogBatch } from '../../domain/event-log';
import type { StreamReplay } from './stream-replay';

const FAILED: EventLogRead = { next: () => Promise.resolve({ kind: 'failed' }), close: () => undefined };

/** The durable stream as the Broker's EventLog: replays for Last-Event-IDs older than the history. */
export class StreamEventLog implements EventLog {
  /** `replay`: the bus's, once it has started (undefined before). */
  constructor(private readonly replay: () => StreamReplay | undefined) {}

  readAfter(afterId: string): EventLogRead | 'busy' {
    const replay = this.replay();
    if (replay === undefined) return FAILED;
    const read = replay.open(afterId);
    if (read === 'busy') return 'busy';
    return {
      next: async (): Promise<LogBatch> => {
        const result = await read.next();
        return result.kind === 'failed' ? { kind: 'failed' } : result;
      },
      close: () => read.close(),
    };
  }
}
