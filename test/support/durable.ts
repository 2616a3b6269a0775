import http from 'node:http';
import amqp from 'amqplib';
import { expect } from 'chai';
import type { StreamEvent } from '../../src/domain/stream-event';
import { encodeEnvelope } from '../../src/infrastructure/bus/amqp-envelope';
import type { Config } from '../../src/infrastructure/config/config';
import { post } from './http';
import { RawSseClient, type SseMessage } from './raw-sse-client';
import { RABBITMQ_URL } from './require-rabbitmq';
import { eventually } from './wait';

export const STREAM_PATH = '/api/v1/sso/stream';
export const BROADCAST_PATH = '/api/v1/sso/broadcast';

/** The three buses a service can run on: in memory (no AMQP_URL), exclusive and stream over RabbitMQ. */
export type BusMode = 'memory' | 'exclusive' | 'stream';

/** Config overrides for an in-process service on `exchange` in `mode` (its stream is `<exchange>.stream`). */
export function busConfig(mode: BusMode, exchange: string): Partial<Config> {
  if (mode === 'memory') return {};
  return { amqpUrl: RABBITMQ_URL, amqpExchange: exchange, amqpQueue: mode, amqpStream: `${exchange}.stream` };
}

/** Deletes `exchange` and `<exchange>.stream` (whichever exist). */
export async function deleteTopology(exchange: string): Promise<void> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(`${exchange}.stream`);
    await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

/** POSTs a broadcast of `message` and returns the answer; `key` goes in Idempotency-Key. */
export function broadcast(
  url: string,
  message: unknown,
  key?: string,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key !== undefined) headers['Idempotency-Key'] = key;
  return post(`${url}${BROADCAST_PATH}`, { message }, headers);
}

/** Publishes `count` broadcasts `<label> 1` … `<label> count` one after the other; returns their ids. */
export async function publishMany(url: string, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const answer = await broadcast(url, `${label} ${n}`);
    expect(answer.status, `${label} ${n}`).to.equal(202);
    ids.push(answer.json.id as string);
  }
  return ids;
}

/**
 * The status of `/readyz` on a connection of its own: a server that ended a stream closes its connection
 * after the last chunk, and fetch's pool (which EventSource shares) may hand that connection on.
 */
export function readyStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}/readyz`, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

/** Waits until `/readyz` of `url` says 200. */
export function untilReady(url: string, timeoutMs = 15_000): Promise<void> {
  return eventually(async () => (await readyStatus(url)) === 200, `${url} ready`, timeoutMs);
}

/** A raw stream client of `port` (query in `query`, e.g. `?lastEventId=…`), once its head and retry line arrived. */
export async function openStream(
  port: number,
  query = '',
  headers: Record<string, string> = {},
): Promise<RawSseClient> {
  const client = await RawSseClient.connect(port, `${STREAM_PATH}${query}`, headers);
  await client.waitFor((c) => c.retry !== undefined, 5_000, 'the retry line');
  return client;
}

/** What a client received, as `<event>:<id>` (events with an id) or `<event> <data>` (control events). */
export function summary(events: readonly SseMessage[]): string[] {
  return events.map((e) =>
    e.id === undefined ? `${e.event ?? 'message'} ${e.data}` : `${e.event ?? 'message'}:${e.id}`,
  );
}

/** The ids as `message:<id>`, the way `summary` shows plain events. */
export const messages = (ids: readonly string[]): string[] => ids.map((id) => `message:${id}`);

/** Waits until `client` has received the event with `id`. */
export function until(client: RawSseClient, id: string, what: string, timeoutMs = 10_000): Promise<void> {
  return client.waitFor((c) => c.events.some((e) => e.id === id), timeoutMs, what);
}

/** The offset of the first message the stream `name` still holds (retention moves it on). */
export async function firstOffset(name: string): Promise<number> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    await channel.prefetch(1);
    return await new Promise<number>((resolve, reject) => {
      void channel
        .consume(
          name,
          (message) => {
            const offset: unknown = message?.properties.headers?.['x-stream-offset'];
            if (typeof offset === 'number') resolve(offset);
            else reject(new Error(`no stream offset in a delivery of ${name}`));
          },
          { noAck: false, arguments: { 'x-stream-offset': 'first' } },
        )
        .catch(reject);
    });
  } finally {
    await connection.close();
  }
}

/** Publishes `event` straight to `exchange` (as a replica would) and waits for the broker's confirm. */
export async function publishRaw(exchange: string, event: StreamEvent): Promise<void> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const { content, options } = encodeEnvelope(event);
    channel.publish(exchange, '', content, options);
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
