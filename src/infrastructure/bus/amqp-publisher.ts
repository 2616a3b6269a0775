import type { ConfirmChannel } from 'amqplib';
import type { AmqpMessage } from './amqp-envelope';
import { describeError as describe } from './error-message';

/** `undefined`: the broker confirmed the message. A string: why it is not known to be accepted. */
export type PublishFailure = string | undefined;

/**
 * Publishes on one confirm channel and reports each message's fate within a
 * deadline. Honours the channel's backpressure: once `publish` says the
 * buffer is full, later messages wait for `drain` (inside the same deadline)
 * rather than piling up in memory. A message whose deadline passes while it
 * waits is never written, so a failure reported to the caller stays true.
 */
export class ConfirmPublisher {
  private drained: Promise<void> | undefined;

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly exchange: string,
    private readonly timeoutMs: number,
  ) {}

  send(message: AmqpMessage): Promise<PublishFailure> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (failure: PublishFailure): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(failure);
      };
      const timer = setTimeout(() => finish(`no publisher confirm within ${this.timeoutMs} ms`), this.timeoutMs);
      void this.writeWhenWritable(message, finish, () => settled);
    });
  }

  private write(message: AmqpMessage, finish: (failure: PublishFailure) => void): void {
    try {
      const writable = this.channel.publish(this.exchange, '', message.content, message.options, (error: unknown) =>
        finish(error === null || error === undefined ? undefined : `broker did not confirm: ${describe(error)}`),
      );
      if (!writable) this.drained ??= this.whenDrained();
    } catch (error) {
      finish(`channel unusable: ${describe(error)}`);
    }
  }

  /**
   * Writes at once unless the channel is full, else after `drain`: checked
   * again after every wake-up, since the first writer after a drain may fill
   * the channel for the ones behind it. Gives up silently once timed out.
   */
  private async writeWhenWritable(
    message: AmqpMessage,
    finish: (failure: PublishFailure) => void,
    gaveUp: () => boolean,
  ): Promise<void> {
    while (this.drained !== undefined) {
      await this.drained;
      if (gaveUp()) return;
    }
    this.write(message, finish);
  }

  /** Settles on `drain`, or on `close` (then every later write fails at once). */
  private whenDrained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.channel.off('drain', done);
        this.channel.off('close', done);
        this.drained = undefined;
        resolve();
      };
      this.channel.on('drain', done);
      this.channel.on('close', done);
    });
  }
}
