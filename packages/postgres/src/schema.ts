import type { Pool } from 'pg';

/** The schema the tables live in when none is given. */
export const DEFAULT_SCHEMA = 'hanoi';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,47}$/;

/** Every SQL name the store uses, quoted, under one schema. */
export interface Tables {
  readonly schema: string;
  /** The one row with the store's epoch and version. */
  readonly head: string;
  /** One row per feature: its data as jsonb, the version of its last write, its user count. */
  readonly features: string;
  /** (feature, user_id): one index probe finds one user among millions. */
  readonly users: string;
  /** (feature, flags, source). */
  readonly patterns: string;
  /** (feature, unit): a feature's deny list, one index probe per unit asked. */
  readonly denied: string;
  /** One row per write: id (bigserial, in commit order), at (the database's clock), feature, who, before, after. */
  readonly history: string;
  /** The one row counting the history entries kept and those retention dropped. */
  readonly historyCount: string;
  /** The NOTIFY channel (a string, as pg_notify takes it). */
  readonly channel: string;
  /** The channel as an identifier, for LISTEN. */
  readonly listen: string;
}

/** A quoted identifier: `"name"`, with `"` doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The tables of one schema. The name is checked here, once, so every
 * statement can build on it: 1 to 48 letters, digits, `_`, `$` or `-`,
 * starting with a letter or `_` (it also names the NOTIFY channel, which
 * PostgreSQL limits to 63 bytes).
 *
 * @example
 * tablesOf('shop').features; // '"shop"."features"'
 */
export function tablesOf(schema: string = DEFAULT_SCHEMA): Tables {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new TypeError(
      `PostgresStore: schema must be 1 to 48 letters, digits, _, $ or -, starting with a letter or _; got ${JSON.stringify(schema)}.`,
    );
  }
  const s = quoteIdent(schema);
  const channel = `hanoi:${schema}`;
  return {
    schema: s,
    head: `${s}."head"`,
    features: `${s}."features"`,
    users: `${s}."users"`,
    patterns: `${s}."patterns"`,
    denied: `${s}."denied"`,
    history: `${s}."history"`,
    historyCount: `${s}."history_count"`,
    channel,
    listen: quoteIdent(channel),
  };
}

/** A literal string for SQL text (migrate runs without parameters). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The statements `migrate()` runs. Every one is idempotent. The head row
 * is made here, with a random epoch (PostgreSQL 13 or later has
 * gen_random_uuid()); a write makes it again if it is missing. A TRUNCATE of
 * any table (behind the store's back) deletes the head row, so the next
 * write starts a new epoch, and announces a reset so running processes
 * take a snapshot at once rather than at their next periodic check.
 *
 * Deny lists live in a table of their own; a schema that kept them in the
 * features' jsonb data has them moved there (and the field dropped).
 *
 * The history tables are made by `CREATE TABLE IF NOT EXISTS` too, and
 * their later columns by `ADD COLUMN IF NOT EXISTS`, so migrate() run on a
 * schema an earlier version made adds them. A TRUNCATE of
 * the history deletes its count row; the next write counts the entries again.
 */
export function migrationSql(t: Tables): string {
  const reset = `${t.schema}."hanoi_reset"`;
  const historyReset = `${t.schema}."hanoi_history_reset"`;
  const triggers = [t.head, t.features, t.users, t.patterns, t.denied]
    .map(
      (table) =>
        `DROP TRIGGER IF EXISTS "hanoi_reset" ON ${table};\n` +
        `CREATE TRIGGER "hanoi_reset" AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${reset}();`,
    )
    .join('\n');
  return `
CREATE SCHEMA IF NOT EXISTS ${t.schema};
CREATE TABLE IF NOT EXISTS ${t.head} (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch text NOT NULL,
  version bigint NOT NULL DEFAULT 0
);
INSERT INTO ${t.head} (singleton, epoch, version) VALUES (true, gen_random_uuid()::text, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS ${t.features} (
  name text PRIMARY KEY,
  epoch text NOT NULL,
  v bigint NOT NULL,
  data jsonb NOT NULL,
  user_count bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ${t.users} (
  feature text NOT NULL REFERENCES ${t.features} (name) ON DELETE CASCADE,
  user_id text NOT NULL,
  PRIMARY KEY (feature, user_id)
);
CREATE TABLE IF NOT EXISTS ${t.patterns} (
  feature text NOT NULL REFERENCES ${t.features} (name) ON DELETE CASCADE,
  flags text NOT NULL,
  source text NOT NULL,
  PRIMARY KEY (feature, flags, source)
);
CREATE TABLE IF NOT EXISTS ${t.denied} (
  feature text NOT NULL REFERENCES ${t.features} (name) ON DELETE CASCADE,
  unit text NOT NULL,
  PRIMARY KEY (feature, unit)
);
-- A schema an earlier version made keeps each deny list in the jsonb data: moved into its table, once.
INSERT INTO ${t.denied} (feature, unit)
  SELECT f.name, d.unit FROM ${t.features} f, jsonb_array_elements_text(f.data->'deny') AS d(unit)
  WHERE jsonb_typeof(f.data->'deny') = 'array' AND d.unit IS NOT NULL
  ON CONFLICT DO NOTHING;
UPDATE ${t.features} SET data = data - 'deny' WHERE data ? 'deny';
CREATE OR REPLACE FUNCTION ${reset}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM ${t.head};
  PERFORM pg_notify(${literal(t.channel)}, 'reset');
  RETURN NULL;
END
$fn$;
${triggers}
CREATE TABLE IF NOT EXISTS ${t.history} (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  feature text NOT NULL,
  action text NOT NULL,
  actor text NOT NULL,
  reason text,
  source text NOT NULL,
  reverts text,
  before text,
  after text
);
-- What links a feature's entries, so another process can apply what changed since the version it holds
-- (readSince): the write's version and epoch, the feature's version before it, the feature's entry before
-- this one, and the entry's place among its write's (a bulk write appends one per 1,000 ids; 0 is the first).
-- Null in entries an earlier version wrote: a chain through them is incomplete, and the reader reads whole.
ALTER TABLE ${t.history}
  ADD COLUMN IF NOT EXISTS version bigint,
  ADD COLUMN IF NOT EXISTS epoch text,
  ADD COLUMN IF NOT EXISTS previous_version bigint,
  ADD COLUMN IF NOT EXISTS previous_entry bigint,
  ADD COLUMN IF NOT EXISTS part integer;
CREATE INDEX IF NOT EXISTS "history_feature" ON ${t.history} (feature, id);
CREATE TABLE IF NOT EXISTS ${t.historyCount} (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  kept bigint NOT NULL,
  dropped bigint NOT NULL DEFAULT 0
);
INSERT INTO ${t.historyCount} (singleton, kept) SELECT true, count(*) FROM ${t.history} ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION ${historyReset}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM ${t.historyCount};
  RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS "hanoi_history_reset" ON ${t.history};
CREATE TRIGGER "hanoi_history_reset" AFTER TRUNCATE ON ${t.history} FOR EACH STATEMENT EXECUTE FUNCTION ${historyReset}();
`;
}

/** Options of `migrate`. */
export interface MigrateOptions {
  /** The schema to create the tables in; default `hanoi`. */
  schema?: string;
}

/**
 * Creates the schema and tables the store needs, or leaves them as they
 * are: safe to run on every deploy, and from several processes at once (an
 * advisory lock makes them take turns). The store never runs it by itself.
 *
 * @example
 * await migrate(pool, { schema: 'hanoi' });
 */
export async function migrate(pool: Pick<Pool, 'connect'>, options: MigrateOptions = {}): Promise<void> {
  const tables = tablesOf(options.schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hanoi migrate ${tables.schema}`]);
    await client.query(migrationSql(tables));
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    client.release(err as Error); // a failed transaction's connection is not reused
    throw err;
  }
}
