/**
 * What the PostgreSQL chaos suites share: "processes" (each its own pg Pool,
 * PostgresBackend and Rollout, as separate processes of an app would have),
 * an app process serving the chaos app on Express and on Koa, and a list of
 * clean-ups run after each test, failed or not.
 */
import { Rollout, type Logger } from '@hanoi/core';
import { PostgresBackend, type PostgresBackendOptions } from '@hanoi/postgres';
import { Pool } from 'pg';
import { listen } from '../support/http-frameworks';
import { createChaosApp, createChaosKoaApp, type GuardedRuns } from './chaos-app';

/** One process of the app: its own pool, backend and rollout, and what it logged. */
export interface PgProcess {
  pool: Pool;
  backend: PostgresBackend;
  rollout: Rollout;
  messages: string[];
}

/** A process serving the chaos app on Express and on Koa (127.0.0.1, free ports). */
export interface PgApp extends PgProcess {
  /** The Express app's URL, then the Koa app's. */
  urls: [string, string];
  /** How often the handler behind `requireFeature('beta')` ran, by user, in both apps. */
  runs: GuardedRuns;
}

/** Clean-ups to run after each test, last added first; registers its own afterEach. */
export function useCleanups(): (cleanup: () => unknown) => void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 60_000);
  return (cleanup) => void cleanups.push(cleanup);
}

/** How often a process's backend compares its version with the database's, unless a test says otherwise. */
export const RESYNC_MS = 1000;

/**
 * The options of a process's backend: quick periodic checks, and timeouts
 * with room for a loaded machine; `overrides` win.
 */
function backendOptions(logger: Logger, overrides: PostgresBackendOptions): PostgresBackendOptions {
  return {
    logger,
    writeTimeoutMs: 1500,
    lookupTimeoutMs: 2000, // while the database is away a lookup fails at once; when it answers, this is room for a loaded machine
    readyTimeoutMs: 500,
    resyncIntervalMs: RESYNC_MS,
    heartbeatMs: 500,
    ...overrides,
  };
}

/**
 * Opens a process on `url`; `cleanup` closes its backend, then ends its pool.
 *
 * @example
 * const other = openProcess(pg.url, cleanup, { schema });
 */
export function openProcess(
  url: string,
  cleanup: (fn: () => Promise<unknown>) => void,
  options: PostgresBackendOptions = {},
): PgProcess {
  const pool = new Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {}); // the pool is the app's: it listens for errors of idle connections
  const messages: string[] = [];
  const logger = { warn: (m: string) => void messages.push(m), error: (m: string) => void messages.push(m) };
  const backend = new PostgresBackend(pool, backendOptions(logger, options));
  cleanup(() => pool.end().catch(() => {}));
  cleanup(() => backend.close());
  return { pool, backend, rollout: new Rollout(backend, { logger }), messages };
}

/**
 * Opens a process on `url` serving the chaos app through Express and Koa.
 *
 * @example
 * const app = await openApp(pg.url, cleanup, { lookupUsers: true });
 */
export async function openApp(
  url: string,
  cleanup: (fn: () => Promise<unknown>) => void,
  options: PostgresBackendOptions = {},
): Promise<PgApp> {
  const proc = openProcess(url, cleanup, options);
  const runs: GuardedRuns = new Map();
  const express = await listen(createChaosApp(proc.rollout, runs));
  cleanup(() => express.close());
  const koa = await listen(createChaosKoaApp(proc.rollout, runs));
  cleanup(() => koa.close());
  return { ...proc, urls: [express.url, koa.url], runs };
}

/**
 * Settles with the write's outcome: 'applied', or the error it rejected with.
 *
 * @example
 * expect(await outcomeOf(rollout.addFunc('x'))).toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
 */
export function outcomeOf(write: Promise<unknown>): Promise<unknown> {
  return write.then(
    () => 'applied',
    (err: unknown) => err,
  );
}
