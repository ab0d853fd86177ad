import { BackendUnavailableError, Rollout } from '@hanoi/core';
import { PostgresBackend } from '@hanoi/postgres';
import { Pool } from 'pg';
import type { CliConfig } from './config';
import { UsageError } from './exit-codes';
import type { Session } from './session';

// One call may take longer than reaching the server: registering a million users, say.
const CALL_TIMEOUT_MS = 60_000;

/**
 * Connects to the PostgreSQL database of `--postgres`, within
 * `config.timeoutMs`, and loads the features of `--schema`. The CLI owns
 * the pool it makes here: `close()` closes the backend, then ends the pool.
 * Unreachable: `HANOI_BACKEND_UNAVAILABLE` (exit code 4), nothing left open.
 *
 * @example
 * const session = await openPostgresSession(parseConfig({ postgres: 'postgres://app@127.0.0.1/app' }, {}));
 */
export async function openPostgresSession(config: CliConfig): Promise<Session> {
  const url = config.postgresUrl!;
  const target = url.replace(/\/\/[^@/]*@/, '//***@');
  const pool = new Pool({ connectionString: url, max: 2, connectionTimeoutMillis: config.timeoutMs });
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new BackendUnavailableError(
      `PostgreSQL at ${target} could not be reached (${(err as Error).message}). ` +
        'Check the address (--postgres) and that the server runs, or raise --timeout.',
      { cause: err },
    );
  }
  let backend: PostgresBackend;
  try {
    backend = new PostgresBackend(pool, {
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      lookupUsers: true, // the CLI never needs every user list in memory
      readyTimeoutMs: config.timeoutMs,
      writeTimeoutMs: Math.max(CALL_TIMEOUT_MS, config.timeoutMs),
    });
  } catch (err) {
    await pool.end().catch(() => {});
    throw err instanceof TypeError ? new UsageError(err.message) : err;
  }
  // History records every change the CLI makes as made from the CLI (by --actor: see CommandContext).
  const rollout = new Rollout(backend, { source: 'cli' });
  await rollout.ready();
  return {
    rollout,
    userCount: (name) => backend.userCount(name),
    async close() {
      await rollout.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
