import type { Container } from 'inversify';
import type { AddressInfo } from 'node:net';
import { AuthenticateSubscriber } from '../../src/application/authenticate.use-case';
import { BroadcastMessage } from '../../src/application/broadcast-message.use-case';
import { Subscribe } from '../../src/application/subscribe.use-case';
import { createApp } from '../../src/interfaces/http/app';
import { HttpServer } from '../../src/interfaces/http/http-server';
import { streamFastPath } from '../../src/interfaces/http/routes/stream.fast-path';
import { streamHandler } from '../../src/interfaces/http/routes/stream.handler';
import { TOKENS } from '../../src/tokens';

export interface DeadlineServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A second listening socket on a running service's own use-cases (broadcast, subscribe, authenticate), its
 * routes built as the composition root builds them, but with a request deadline of `requestDeadlineMs`
 * instead of 15 s: the deadline tests then take a second, not sixteen.
 */
export async function serveWithDeadline(container: Container, requestDeadlineMs: number): Promise<DeadlineServer> {
  const config = container.get(TOKENS.Config);
  const options = {
    ...config,
    directWrites: config.fanOut === 'direct',
    verifier: container.get(TOKENS.TokenVerifier),
  };
  const onBug = (): void => undefined;
  const handle = streamHandler({
    authenticate: container.get(AuthenticateSubscriber),
    subscribe: container.get(Subscribe),
    options,
    onBug,
  });
  const app = createApp({
    logger: container.get(TOKENS.Logger),
    observeRequest: () => undefined,
    shuttingDown: () => false,
    ops: {
      readiness: () => ({ ready: true }),
      metrics: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
    },
    streams: { handle, broadcast: container.get(BroadcastMessage), options },
  });
  const fastPath = streamFastPath(handle, () => undefined, onBug);
  const server = new HttpServer(app, '127.0.0.1', 0, fastPath, { requestDeadlineMs });
  const address: AddressInfo = await server.listen();
  return {
    port: address.port,
    close: async () => server.drain(server.stopAccepting(), 1_000),
  };
}
