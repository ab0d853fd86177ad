import { StoreBackend } from '@hanoi/core';
import { checkLookupAnswers } from '@hanoi/core/internal';
import type { Pool } from 'pg';
import { checkReporting, duration, type PostgresBackendOptions } from './options';
import { PostgresStore } from './postgres-store';

/**
 * Features in PostgreSQL, shared by every process, each process holding
 * every feature in memory: a check never waits for the database. Changes
 * reach other processes over LISTEN/NOTIFY (a reload of the feature that
 * changed), and a periodic check of the head row's epoch and version
 * catches up on anything missed or reset. With `lookupUsers`, registered
 * users stay in the database and a request that needs them costs one query.
 *
 * It is core's synchronised cache (`StoreBackend`) over `PostgresStore`.
 * The backend does not own `pool`: `close()` leaves it open and closes only
 * the listening connection it opened itself. Run `migrate()` once first.
 *
 * @example
 * import { Pool } from 'pg';
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const rollout = new Rollout(new PostgresBackend(pool));
 */
export class PostgresBackend extends StoreBackend {
  declare readonly store: PostgresStore;

  /**
   * @param pool a pg `Pool`, left open by `close()`.
   * @param options schema, lookupUsers, logger, onError, timeouts, bootstrap; see PostgresBackendOptions.
   */
  constructor(pool: Pool, options: PostgresBackendOptions = {}) {
    checkReporting(options);
    const store = new PostgresStore(pool, options, !options.lookupUsers);
    super(store, {
      logger: options.logger,
      onError: options.onError,
      resyncIntervalMs: duration('PostgresBackend', options, 'resyncIntervalMs', 5000),
      readyTimeoutMs: duration('PostgresBackend', options, 'readyTimeoutMs', 5000),
      bootstrap: options.bootstrap,
      lookups: {
        timeoutMs: duration('PostgresBackend', options, 'lookupTimeoutMs', 250),
        maxPending: duration('PostgresBackend', options, 'maxPendingLookups', 256),
      },
      lookupAnswers: checkLookupAnswers(options.lookupAnswers, 'PostgresBackend'),
    });
  }
}
