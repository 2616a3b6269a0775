import { EventSource, type EventSourceInit } from 'eventsource';
import { eventually } from './wait';

export interface Received {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** The real `eventsource` npm client, recording every message and named event it sees. */
export class RecordingEventSource {
  readonly source: EventSource;
  readonly received: Received[] = [];
  opened = 0;

  /** `init` as `eventsource` takes it: a `fetch` of its own can add headers, such as a token that changes. */
  constructor(url: string, eventNames: readonly string[] = [], init?: EventSourceInit) {
    this.source = new EventSource(url, init);
    this.source.onopen = () => (this.opened += 1);
    const record = (type: string) => (e: { data: string; lastEventId: string }) =>
      this.received.push({ type, data: e.data, lastEventId: e.lastEventId });
    this.source.addEventListener('message', record('message'));
    for (const name of eventNames) this.source.addEventListener(name, record(name));
  }

  waitFor(predicate: (received: Received[]) => boolean, timeoutMs = 5_000): Promise<void> {
    const what = (): string => `events; received ${JSON.stringify(this.received.slice(-3))}`;
    return eventually(() => predicate(this.received), what, timeoutMs, 10);
  }

  waitOpen(timeoutMs = 5_000): Promise<void> {
    return this.waitFor(() => this.opened > 0, timeoutMs);
  }

  close(): void {
    this.source.close();
  }
}
