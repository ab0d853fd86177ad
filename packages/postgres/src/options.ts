import type { FeatureSnapshot, Logger } from '@hanoi/core';
import { checkHistoryLimit } from '@hanoi/core/internal';
import type { Pool } from 'pg';
import { tablesOf, type Tables } from './schema';

/** Options of `PostgresStore`. */
export interface PostgresStoreOptions {
  /** The schema holding the tables (as `migrate()` made them); default `hanoi`. */
  schema?: string;
  /** A write (and a read for a caller) rejects after this long; default 2000 ms. */
  writeTimeoutMs?: number;
  /** A snapshot rejects after this long; default 10000 ms. */
  snapshotTimeoutMs?: number;
  /** How often the listening connection is checked; default 2000 ms. */
  heartbeatMs?: number;
  /**
   * How many history entries are kept, all features together; default
   * 10,000. A write that takes the count past it deletes the oldest entries
   * in its own transaction, and counts them as dropped.
   */
  historyLimit?: number;
}

/** Options of `PostgresBackend`: the store's, and the synchronised cache's. */
export interface PostgresBackendOptions extends PostgresStoreOptions {
  /**
   * Keep registered users in the database and look them up (one query per
   * request that needs it) rather than holding them in every process. For
   * user lists of millions. Default false.
   */
  lookupUsers?: boolean;
  /** Where failures are logged (once per outage); `console` by default. */
  logger?: Logger;
  /** Called once per outage with the error. */
  onError?: (error: unknown) => void;
  /** How often the version is compared with the database's, to catch up on lost messages; default 5000 ms. */
  resyncIntervalMs?: number;
  /** `ready()` resolves after this long even when the database cannot be reached; default 5000 ms. */
  readyTimeoutMs?: number;
  /** A user lookup (`lookupUsers`) rejects after this long; default 250 ms. */
  lookupTimeoutMs?: number;
  /** At most this many user lookups (`lookupUsers`) wait for the database; more answer "not listed" at once. Default 256. */
  maxPendingLookups?: number;
  /**
   * Lookup answers (`lookupUsers`) kept, each until its feature or segment
   * changes, so a user checked again costs no round trip (a change from
   * another process is then seen within the propagation bound, not at once).
   * Default 0: none kept.
   */
  lookupAnswers?: number;
  /** Features to answer from before the first load. */
  bootstrap?: readonly FeatureSnapshot[];
}

/** The store's options, checked and complete. */
export interface PostgresConfig {
  readonly tables: Tables;
  readonly writeTimeoutMs: number;
  readonly snapshotTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly historyLimit: number;
}

/**
 * A duration option: a number of milliseconds from 1 to 3,600,000, or the fallback.
 *
 * @example
 * duration('PostgresStore', {}, 'writeTimeoutMs', 2000); // 2000
 */
export function duration<T extends object>(who: string, options: T, field: keyof T & string, fallback: number): number {
  const value = options[field] as unknown;
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 3_600_000) {
    throw new TypeError(
      `${who}: ${field} must be a number of milliseconds from 1 to 3600000; got ${typeof value === 'number' ? value : typeof value}.`,
    );
  }
  return value;
}

/**
 * Checks the pool and options once, at construction.
 *
 * @example
 * parseOptions(pool, { schema: 'shop' }).tables.features; // '"shop"."features"'
 */
export function parseOptions(pool: Pool, options: PostgresStoreOptions = {}): PostgresConfig {
  const shaped = pool as unknown as Record<string, unknown> | null;
  if (typeof shaped !== 'object' || shaped === null || typeof shaped.connect !== 'function' || !shaped.options) {
    throw new TypeError('PostgresStore: pass a pg Pool: new PostgresStore(new Pool({ connectionString })).');
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('PostgresStore: options must be an object.');
  return {
    tables: tablesOf(options.schema),
    writeTimeoutMs: duration('PostgresStore', options, 'writeTimeoutMs', 2000),
    snapshotTimeoutMs: duration('PostgresStore', options, 'snapshotTimeoutMs', 10_000),
    heartbeatMs: duration('PostgresStore', options, 'heartbeatMs', 2000),
    historyLimit: checkHistoryLimit(options.historyLimit),
  };
}

/**
 * Checks `logger` and `onError` at construction, as the Redis backends do.
 *
 * @example
 * checkReporting({ logger: console }); // fine
 */
export function checkReporting(options: PostgresBackendOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('PostgresBackend: options must be an object.');
  const { logger, onError } = options;
  if (logger !== undefined && (typeof logger?.warn !== 'function' || typeof logger?.error !== 'function')) {
    throw new TypeError('PostgresBackend: logger must have warn and error methods (console fits).');
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('PostgresBackend: onError must be a function.');
  }
}
