import { Cluster, type Redis } from 'ioredis';

/**
 * Quits a client the CLI opened, and resolves once its socket is closed,
 * so that nothing of it keeps the process alive: QUIT (Redis answers the
 * commands before it, then closes), or, when Redis does not answer it
 * within `timeoutMs`, a disconnect.
 *
 * @example
 * await quitClient(client, 3000);
 */
export async function quitClient(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (socketGone(client)) return dropClient(client);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([client.quit().then(() => undefined), late]);
  } catch {
    // Redis went away: the disconnect below closes what is left.
  } finally {
    clearTimeout(timer);
  }
  await dropClient(client);
}

/**
 * Disconnects a client at once (nothing is waiting on it) and resolves
 * once its socket is closed.
 *
 * @example
 * await dropClient(client);
 */
export async function dropClient(client: Redis | Cluster): Promise<void> {
  if (client.status === 'end') return;
  // A refused or dropped connection left no socket (ioredis waits to reconnect, or never began):
  // disconnect() only cancels that, and 'end' would never come.
  const ended = socketGone(client) ? Promise.resolve() : endOf(client);
  client.disconnect();
  // The socket is destroyed on the next turn of the loop and 'end' follows; the bound is only a guard
  // against an ioredis state where 'end' never comes (the process would then exit before run() settled).
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, END_WAIT_MS)))]);
  clearTimeout(timer);
}

const END_WAIT_MS = 1000;

function socketGone(client: Redis | Cluster): boolean {
  return client.status === 'wait' || client.status === 'close' || client.status === 'reconnecting';
}

/** Resolves on the client's 'end' (its socket closed, no reconnection to come); at once for a cluster, whose nodes end one by one. */
function endOf(client: Redis | Cluster): Promise<void> {
  if (client.status === 'end' || client instanceof Cluster) return Promise.resolve();
  return new Promise((resolve) => client.once('end', () => resolve()));
}
