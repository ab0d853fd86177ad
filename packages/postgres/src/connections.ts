import { BackendUnavailableError, HanoiError } from '@hanoi/core';
import { withTimeout } from '@hanoi/core/internal';
import type { Pool, PoolClient } from 'pg';

// SQLSTATEs that mean the tables (or columns) are not there: migrate() was not run (or ran on another schema,
// or an earlier version ran it).
const NOT_MIGRATED = new Set(['42P01', '3F000', '42883', '42703']);

/**
 * What an error from pg means to a caller: a `HanoiError` as is; missing
 * tables as an error that says to run migrate(); anything else (refused,
 * reset or lost connections, a server shutting down) as
 * `HANOI_BACKEND_UNAVAILABLE`, with the cause attached.
 */
export function unavailable(what: string, err: unknown): HanoiError {
  if (err instanceof HanoiError) return err;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && NOT_MIGRATED.has(code)) {
    return new BackendUnavailableError(
      `${what}: the hanoi tables are missing (${(err as Error).message}). ` +
        'Run migrate(pool, { schema }) from @hanoi/postgres, or `hanoi migrate --postgres URL`, first.',
      { cause: err },
    );
  }
  return new BackendUnavailableError(`${what}: PostgreSQL failed: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}

/**
 * A client of `pool` by `until` (ms since the epoch). A refused or failed
 * connection is retried every 100 ms until then, as a restarting server
 * comes back; a connection that hangs (a paused server) is given up at
 * `until`, and released to the pool if it comes later. Rejects with
 * `HANOI_BACKEND_UNAVAILABLE`.
 */
export async function clientBy(pool: Pool, what: string, until: number): Promise<PoolClient> {
  let lastError: unknown = new Error('no connection in time');
  for (;;) {
    const left = until - Date.now();
    if (left <= 0) break;
    const connecting = connectGuarded(pool);
    try {
      return await withTimeout(connecting, left, () => new Error(`no connection within the timeout`));
    } catch (err) {
      lastError = err;
      // Too late for this caller: hand a connection that comes later straight back.
      connecting.then(
        (client) => client.release(),
        () => {},
      );
      if (until - Date.now() > 100) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw unavailable(what, lastError);
}

const ignore = () => {};

/**
 * A client of `pool`, guarded from the moment the pool hands it over: in the
 * pool's callback, not a promise's continuation, because the message that
 * completes a new connection and the server's FATAL (`pg_terminate_backend`)
 * may arrive in one packet, and pg reads both before any continuation runs.
 */
function connectGuarded(pool: Pool): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client) => {
      if (err || !client) reject(err ?? new Error('the pool gave no client'));
      else resolve(guarded(client));
    });
  });
}

/**
 * A borrowed client reports a lost connection as an 'error' event, which
 * would crash the process with no listener (the pool listens only while the
 * client is idle): the statement in flight rejects anyway, so the event is
 * ignored until the client goes back, then the listener is removed.
 */
function guarded(client: PoolClient): PoolClient {
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (destroy?: Error | boolean) => {
    client.off('error', ignore);
    client.release = release;
    return release(destroy);
  };
  return client;
}

/**
 * Runs `fn` on a client of `pool`, all by `until`. The client goes back to
 * the pool after a success; after a failure or a timeout it is destroyed (a
 * statement may still be running on it, or a transaction open).
 */
export async function withClient<T>(
  pool: Pool,
  what: string,
  until: number,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await clientBy(pool, what, until);
  try {
    const result = await withTimeout(fn(client), until - Date.now(), () => new Error('no answer within the timeout'));
    client.release();
    return result;
  } catch (err) {
    client.release(true);
    throw unavailable(what, err);
  }
}
