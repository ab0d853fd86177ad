import { BackendUnavailableError } from '@hanoi/core';
import type { RedisClient } from './scripts';

/**
 * Resolves once `client` can take a command ('ready'), waiting through a
 * first connection or a reconnection for at most `ms`; rejects with
 * HANOI_BACKEND_UNAVAILABLE ("nothing was sent") when it cannot. A client
 * made with `lazyConnect` is connected here. Nothing is queued: the caller
 * sends its command only after this resolves, so a write that was refused is
 * never replayed by the client's offline queue once Redis is back.
 *
 * @example
 * await waitForConnection(client, 2000, 'Registering a user');
 */
export function waitForConnection(client: RedisClient, ms: number, what: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end') return Promise.reject(unavailable(client, what, 'the client was closed'));
  if (client.status === 'wait') client.connect().catch(() => {});
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onEnd = () => done(unavailable(client, what, 'the client was closed'));
    const timer = setTimeout(() => done(unavailable(client, what, `not connected after waiting ${ms} ms`)), ms);
    timer.unref?.();
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}

function unavailable(client: RedisClient, what: string, why: string): BackendUnavailableError {
  return new BackendUnavailableError(
    `${what}: Redis is ${why} (status ${client.status}); nothing was sent. Retry once Redis is back.`,
  );
}
