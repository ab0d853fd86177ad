/**
 * Shared set-up of the PostgreSQL tests: one throwaway cluster per test
 * file (or the database `DATABASE_URL` names), pools on it, and a fresh
 * schema, migrated, per store, so tests never see each other's rows (and
 * nothing they did not create is ever dropped).
 */
import { type Backend, StoreBackend } from '@hanoi/core';
import { migrate, PostgresStore } from '@hanoi/postgres';
import { Pool, type PoolConfig } from 'pg';
import { startPostgres, uniqueSchema, type PostgresServer } from '../support/postgres-server';

/** A logger that keeps what it is told. */
export function quietLogger(): { warn: (m: string) => void; error: (m: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (m) => void messages.push(m), error: (m) => void messages.push(m) };
}

/** What usePostgres gives a test file. */
export interface PostgresUse {
  /** The file's server. */
  server(): PostgresServer;
  /** A pool on it, ended after the file's tests (before the server stops); its errors are kept, not thrown. */
  pool(extra?: PoolConfig): Pool;
  /** A new schema, migrated: the tables of one "deployment". */
  schema(): Promise<string>;
}

/** Starts one server for the file (beforeAll) and stops it after ending its pools and dropping its schemas (afterAll). */
export function usePostgres(): PostgresUse {
  let server: PostgresServer | undefined;
  const pools: Pool[] = [];
  const schemas: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    if (server?.external && schemas.length > 0) {
      const admin = new Pool({ connectionString: server.url });
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
      await admin.end();
    }
    for (const pool of pools.splice(0)) await pool.end().catch(() => {});
    await server?.stop();
  }, 60_000);
  const use: PostgresUse = {
    server() {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    pool(extra = {}) {
      const pool = new Pool({ connectionString: use.server().url, max: 5, ...extra });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async schema() {
      const schema = uniqueSchema();
      schemas.push(schema);
      const pool = pools[0] ?? use.pool();
      await migrate(pool, { schema });
      return schema;
    },
  };
  return use;
}

/** Polls `condition` every 10 ms until it holds or `ms` pass. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The PostgreSQL store under a backend, for tests that go behind its back. */
export function storeOf(backend: Backend): PostgresStore {
  if (!(backend instanceof StoreBackend) || !(backend.store instanceof PostgresStore)) {
    throw new TypeError('not a PostgreSQL backend');
  }
  return backend.store;
}

/**
 * Runs `sql` on `pool` as an outside actor would (a TRUNCATE or DELETE behind
 * the processes' backs), again when PostgreSQL makes it a deadlock's victim
 * (SQLSTATE 40P01): it takes its table locks one by one while a running
 * process's transaction may hold one of them, and then nothing happened.
 */
export async function asOutsider(pool: Pool, sql: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query(sql);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
    }
  }
}
