import { expect } from 'chai';
import type { ChannelModel } from 'amqplib';
import pino from 'pino';
import { StreamDeclaration } from '../../../../src/infrastructure/bus/stream-declaration';
import { resolveStreamOptions } from '../../../../src/infrastructure/bus/stream-options';
import { TopologyRefused } from '../../../../src/infrastructure/bus/topology-refused';

/** An amqplib error as the broker's channel close produces it. */
const brokerError = (code: number, text: string): Error =>
  Object.assign(new Error(`Operation failed: QueueDeclare; ${code} (X) with message "${text}"`), { code });

/** A model whose channels answer checkQueue and assertQueue as given (undefined: ok). */
function fakeModel(answers: { check?: Error; assert?: Error }): ChannelModel {
  const channel = {
    on: () => channel,
    close: () => Promise.resolve(),
    checkQueue: () => (answers.check === undefined ? Promise.resolve({}) : Promise.reject(answers.check)),
    assertQueue: () => (answers.assert === undefined ? Promise.resolve({}) : Promise.reject(answers.assert)),
  };
  return { createChannel: () => Promise.resolve(channel) } as unknown as ChannelModel;
}

const NO_QUEUE = brokerError(404, "NOT_FOUND - no queue 's' in vhost '/'");
const options = resolveStreamOptions({ name: 's', maxAgeSeconds: 60, maxBytes: 1_000, historySize: 1 });

async function refusal(declaration: StreamDeclaration, model: ChannelModel): Promise<string> {
  try {
    await declaration.ensure(model);
  } catch (error) {
    expect(error).to.be.instanceOf(TopologyRefused);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('StreamDeclaration', () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  beforeEach(() => (lines.length = 0));

  it('refuses a broker without stream queues with a line naming AMQP_QUEUE=exclusive', async () => {
    const assert = brokerError(
      406,
      "PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 's' in vhost '/': \"unsupported queue type 'stream'\"",
    );
    const message = await refusal(new StreamDeclaration(options, logger), fakeModel({ check: NO_QUEUE, assert }));
    expect(message).to.include('AMQP_QUEUE=exclusive').and.to.include('unsupported queue type');
    expect(message).not.to.match(/[\r\n]/);
  });

  it('refuses an existing queue of another type', async () => {
    const assert = brokerError(
      406,
      "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 's' in vhost '/': received the value 'stream' of type 'longstr' but current is none",
    );
    const message = await refusal(new StreamDeclaration(options, logger), fakeModel({ assert }));
    expect(message).to.include('is not a stream').and.to.include('AMQP_QUEUE=exclusive');
  });

  it('uses an existing stream with other settings, warning once however often it connects', async () => {
    const assert = brokerError(
      406,
      "PRECONDITION_FAILED - inequivalent arg 'x-max-age' for queue 's' in vhost '/': received '60s' but current is '3600s'",
    );
    const declaration = new StreamDeclaration(options, logger);
    await declaration.ensure(fakeModel({ assert }));
    await declaration.ensure(fakeModel({ assert }));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('x-max-age').and.to.include('using it as it is');
  });

  it('refuses the next attempt once after the queue delivered without offsets, then tries again', async () => {
    const declaration = new StreamDeclaration(options, logger);
    declaration.refuseNextAttempt();
    expect(await refusal(declaration, fakeModel({}))).to.include('without x-stream-offset');
    await declaration.ensure(fakeModel({}));
  });
});
