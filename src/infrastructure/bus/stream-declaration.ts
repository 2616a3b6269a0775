import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import { brokerText } from './error-message';
import { streamArguments, type ResolvedStreamOptions } from './stream-options';
import { notAStream, streamUnsupported } from './topology-refused';

const NOT_FOUND = 404;
const PRECONDITION_FAILED = 406;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: number | undefined; readonly text: string };

/**
 * Makes sure the stream exists, without ever closing a channel that matters:
 * a declare whose arguments differ from the existing queue's closes its
 * channel with 406, so every check runs on a throwaway channel. An existing
 * stream is used as it is, with one warning per process when its arguments
 * differ from ours (changing them means deleting it, which is the
 * operator's call, not ours).
 */
export class StreamDeclaration {
  private warned = false;
  private notAStream: string | undefined;

  constructor(
    private readonly options: ResolvedStreamOptions,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the stream exists; rejects with TopologyRefused when the broker cannot give us one. */
  async ensure(model: ChannelModel): Promise<void> {
    const name = this.options.name;
    const refused = this.notAStream;
    this.notAStream = undefined; // once: after a wait at the backoff cap, the queue may have been fixed
    if (refused !== undefined) throw notAStream(name, refused);
    const existing = await attempt(model, (channel) => channel.checkQueue(name));
    if (!existing.ok && existing.code !== NOT_FOUND) throw new Error(`checking the stream failed: ${existing.text}`);
    const declared = await attempt(model, (channel) =>
      channel.assertQueue(name, { durable: true, arguments: streamArguments(this.options) }),
    );
    if (declared.ok) return;
    if (declared.code !== PRECONDITION_FAILED) throw new Error(`declaring the stream failed: ${declared.text}`);
    // The broker names the first argument it rejects; the queue type is checked before the stream's own.
    if (/'x-queue-type'/.test(declared.text)) {
      throw existing.ok ? notAStream(name, declared.text) : streamUnsupported(name, declared.text);
    }
    this.warnOnce(declared.text);
  }

  /** The queue delivered a message without a stream offset: the next attempt is refused as not a stream. */
  refuseNextAttempt(): void {
    this.notAStream = 'it delivers messages without x-stream-offset';
  }

  private warnOnce(text: string): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(
      { stream: this.options.name, broker: text },
      'the stream exists with other settings than STREAM_MAX_AGE_S/STREAM_MAX_BYTES ask for; using it as it is',
    );
  }
}

/** Runs one declaration on a channel of its own, closed afterwards; a refusal comes back as a value. */
async function attempt(model: ChannelModel, operation: (channel: Channel) => Promise<unknown>): Promise<Outcome> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined); // the refusal itself arrives as the rejection below
  try {
    await operation(channel);
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, code: typeof code === 'number' ? code : undefined, text: brokerText(error) };
  } finally {
    await channel.close().catch(() => undefined); // already closed by a refusal
  }
}
