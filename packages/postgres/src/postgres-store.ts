import {
  BackendUnavailableError,
  HanoiError,
  WriteOutcomeUnknownError,
  type FeatureStore,
  type HistoryPage,
  type HistoryQuery,
  type LookupQuery,
  type MembersPage,
  type MembersQuery,
  type StoreHead,
  type StoreListener,
  type StoreRead,
  type StoreReadSince,
  type StoreSnapshot,
  type StoreWrite,
  type StoreWriteResult,
} from '@hanoi/core';
import { withTimeout } from '@hanoi/core/internal';
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { ChangeFeed } from './change-feed';
import { decodeEntry, decodeRow, decodeText, encodeText, type FeatureRow, type HistoryRow } from './codec';
import { clientBy, unavailable, withClient } from './connections';
import { parseOptions, type PostgresConfig, type PostgresStoreOptions } from './options';
import { readSinceSql, sinceChanges, SINCE_BYTES, SINCE_ENTRIES, type SinceRow } from './read-since';
import { prepareWrite } from './write-transaction';

/** How a lookup names a feature's deny list (store-targeting's `denyEntry`). */
const DENY = 'deny ';

/** A row of a read: the head's epoch and version (null before the first write), and a feature or nulls. */
type HeadedRow = { head_epoch: string | null; head_version: string | null } & Partial<FeatureRow>;

/**
 * The PostgreSQL store: features in tables under one schema (made by
 * `migrate()`), every write one transaction that bumps the version of the
 * head row (in its epoch) and sends NOTIFY `<epoch> <version> <name>` with
 * its COMMIT. `holdsUsers` says whether processes hold the user lists
 * (the default backend) or look users up, one query per request.
 *
 * The pool is the caller's: the store borrows connections from it and
 * never ends it; `close()` closes only the listening connection the store
 * opened itself.
 *
 * Write guarantee: a write borrows a connection, retrying while the server
 * refuses for up to writeTimeoutMs; still none, it rejects with
 * HANOI_BACKEND_UNAVAILABLE and nothing was sent. Its COMMIT goes with a
 * check of the server's clock against the write's deadline, so a COMMIT
 * delayed past it (a paused server) rolls back: a write that rejected with
 * HANOI_BACKEND_UNAVAILABLE is never applied later. A COMMIT sent without an
 * answer in time rejects with HANOI_WRITE_OUTCOME_UNKNOWN. A transaction
 * PostgreSQL rolls back before its COMMIT as a deadlock's victim or a
 * serialisation failure applied nothing and is run again within the same
 * deadline.
 *
 * @example
 * const backend = new StoreBackend(new PostgresStore(pool, { schema: 'shop' }));
 */
export class PostgresStore implements FeatureStore {
  readonly config: PostgresConfig;
  /** Deny lists are the data field `deny`, changed in the write's transaction. */
  readonly denyLists = true;
  private readonly feeds = new Set<ChangeFeed>();
  private background = 0;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  /**
   * @param pool a pg `Pool`, never ended by the store.
   * @param options schema and timeouts; see PostgresStoreOptions.
   * @param holdsUsers whether processes hold the user lists (true) or look users up.
   */
  constructor(
    readonly pool: Pool,
    options: PostgresStoreOptions = {},
    readonly holdsUsers = true,
  ) {
    this.config = parseOptions(pool, options);
  }

  async snapshot(): Promise<StoreSnapshot> {
    const rows = await this.backgroundRead('Loading the features', this.config.snapshotTimeoutMs, (client) =>
      this.selectFeatures(client, undefined, this.holdsUsers),
    );
    const head = headOf(rows[0]);
    const features = rows
      .filter((row) => row.name != null)
      .map((row) => decodeRow(row as FeatureRow, head.epoch, this.holdsUsers));
    return { ...head, features };
  }

  async read(name: string, withUsers: boolean): Promise<StoreRead> {
    const rows = await this.call(`Reading feature ${JSON.stringify(name)}`, (client) =>
      this.selectFeatures(client, name, withUsers),
    );
    return readOf(rows, withUsers);
  }

  /**
   * One feature for a process that holds it as of `since`: the feature
   * without its users or patterns, and what every write since did to them,
   * from the history entries the writes linked (one statement, one
   * primary-key probe per entry). When the links do not reach the held
   * version exactly (entries dropped by retention or written before the
   * links existed, a reset, a feature made anew) or go beyond the bounds,
   * the feature whole, as `read` gives it.
   */
  async readSince(name: string, since: StoreHead): Promise<StoreReadSince> {
    return this.call(`Reloading feature ${JSON.stringify(name)}`, async (client) => {
      const found = await client.query<SinceRow>(readSinceSql(this.config.tables), [
        name,
        since.epoch,
        since.version,
        SINCE_ENTRIES,
        SINCE_BYTES,
        this.holdsUsers,
      ]);
      const row = found.rows[0];
      const head = headOf(row);
      if (row?.name == null) return { ...head, feature: undefined };
      const feature = decodeRow(row as FeatureRow, head.epoch, false);
      if ('damaged' in feature) return { ...head, feature };
      const changes =
        since.epoch === head.epoch && since.version > 0 && feature.v >= since.version
          ? sinceChanges(row.chain ?? [], feature.v, since, this.holdsUsers)
          : undefined;
      if (changes) {
        const { patterns: _all, ...changed } = feature;
        return { ...head, feature: changed, changes: changes.users, patternChanges: changes.patterns };
      }
      return readOf(await this.selectFeatures(client, name, this.holdsUsers), this.holdsUsers);
    });
  }

  async head(): Promise<StoreHead> {
    const rows = await this.backgroundRead('Checking the version', this.config.writeTimeoutMs, async (client) => {
      const result = await client.query<HeadedRow>(
        `SELECT h.epoch AS head_epoch, h.version AS head_version FROM (SELECT 1) one LEFT JOIN ${this.config.tables.head} h ON true`,
      );
      return result.rows;
    });
    return headOf(rows[0]);
  }

  async write(name: string, write: StoreWrite): Promise<StoreWriteResult> {
    const what = `${write.op} on feature ${JSON.stringify(name)}`;
    if (this.closed) throw new BackendUnavailableError(`${what}: the store was closed; nothing was sent.`);
    const until = Date.now() + this.config.writeTimeoutMs;
    return this.inOrder(() => this.writeBy(name, write, what, until), until, what);
  }

  private async writeBy(name: string, write: StoreWrite, what: string, until: number): Promise<StoreWriteResult> {
    const client = await clientBy(this.pool, what, until);
    let committing = false;
    try {
      const run = async () => {
        let prepared: Awaited<ReturnType<typeof prepareWrite>>;
        for (;;) {
          await client.query('BEGIN');
          try {
            prepared = await prepareWrite(
              client,
              this.config.tables,
              name,
              write,
              randomUUID(),
              () => until - Date.now(),
              this.config.historyLimit,
              this.holdsUsers,
            );
            break;
          } catch (err) {
            // PostgreSQL rolled the transaction back (it was a deadlock's victim, or could not be serialised):
            // nothing of it was applied, so it is run again while the deadline allows.
            if (!rolledBack(err) || Date.now() >= until) throw err;
            await client.query('ROLLBACK');
          }
        }
        committing = true;
        // One simple-protocol message: the deadline check, then COMMIT only if it passed.
        await client.query(
          `DO $$BEGIN IF clock_timestamp() > to_timestamp(${(prepared.deadline / 1000).toFixed(3)}) THEN ` +
            `RAISE EXCEPTION 'hanoi: the write deadline passed' USING ERRCODE = '57014'; END IF; END$$; COMMIT`,
        );
        return prepared.result;
      };
      const result = await withTimeout(run(), until - Date.now(), () => new Error('no answer within the timeout'));
      client.release();
      return result;
    } catch (err) {
      client.release(true); // destroys the connection: an open transaction rolls back
      if (err instanceof HanoiError) throw err;
      if ((err as { code?: string }).code === '57014') {
        throw new BackendUnavailableError(
          `${what}: PostgreSQL answered after the write's deadline, so it was rolled back.`,
        );
      }
      if (committing) throw new WriteOutcomeUnknownError(what, { cause: err });
      throw unavailable(what, err);
    }
  }

  /**
   * Entries of the history, newest first: one indexed query (by id, or by
   * feature and id), with the count of entries retention dropped.
   */
  async history(query: HistoryQuery): Promise<HistoryPage> {
    const t = this.config.tables;
    const numeric = (id: string | undefined) => id === undefined || /^[1-9]\d{0,17}$/.test(id);
    if (!numeric(query.id) || !numeric(query.before)) return { entries: [], dropped: 0 };
    return this.call('Reading the history', async (client) => {
      const result = await client.query<HistoryRow>(
        `SELECT h.id::text AS id, (extract(epoch from h.at) * 1000)::float8 AS at, feature, action, actor, reason, source, reverts, before, after,
           (SELECT dropped FROM ${t.historyCount}) AS dropped
         FROM ${t.history} h
         WHERE ($1::text IS NULL OR h.feature = $1) AND ($2::bigint IS NULL OR h.id < $2) AND ($3::bigint IS NULL OR h.id = $3)
         ORDER BY h.id DESC LIMIT $4`,
        [query.feature ?? null, query.before ?? null, query.id ?? null, query.limit],
      );
      let dropped = Number(result.rows[0]?.dropped ?? 0);
      if (!result.rows.length) {
        const count = await client.query<{ dropped: string }>(`SELECT dropped FROM ${t.historyCount}`);
        dropped = Number(count.rows[0]?.dropped ?? 0);
      }
      return { entries: result.rows.map(decodeEntry), dropped };
    });
  }

  /**
   * For each query, which of its names (features, segments, `deny <feature>`
   * for a deny list) list its unit: one statement through the pool, one
   * index probe per (name, unit) pair. It does not wait for the change
   * feed: while only the listening connection is down, the pool still
   * answers. A pool that cannot reach the server rejects (the caller counts
   * the unit as not listed); one that hangs is bounded by the caller's
   * timeout and cap on pending lookups.
   */
  async lookup(queries: readonly LookupQuery[]): Promise<readonly ReadonlySet<string>[]> {
    if (this.closed) throw new BackendUnavailableError('Looking up a user: the store was closed.');
    const t = this.config.tables;
    const listed: [string[], string[]] = [[], []];
    const denied: [string[], string[]] = [[], []];
    queries.forEach(({ unit, names: asked }) => {
      for (const name of asked) {
        const [entries, units] = name.startsWith(DENY) ? denied : listed;
        entries.push(name.startsWith(DENY) ? name.slice(DENY.length) : name);
        units.push(encodeText(unit));
      }
    });
    const result = await this.pool
      .query<{ entry: string; unit: string }>(
        `SELECT u.feature AS entry, u.user_id AS unit FROM unnest($1::text[], $2::text[]) AS q(feature, unit)
         JOIN ${t.users} u ON u.feature = q.feature AND u.user_id = q.unit
       UNION ALL
       SELECT $5::text || d.feature, d.unit FROM unnest($3::text[], $4::text[]) AS q(feature, unit)
         JOIN ${t.denied} d ON d.feature = q.feature AND d.unit = q.unit`,
        [...listed, ...denied, DENY],
      )
      .catch((err: unknown) => {
        throw unavailable('Looking up a user', err);
      });
    const found = new Set(result.rows.map((row) => `${row.entry}\n${row.unit}`));
    return queries.map(({ unit, names: asked }) => {
      const key = encodeText(unit);
      return new Set(asked.filter((name) => found.has(`${name}\n${key}`)));
    });
  }

  async listNames(): Promise<string[]> {
    return this.call('Listing features', async (client) => {
      const result = await client.query<{ name: string }>(`SELECT name FROM ${this.config.tables.features}`);
      return result.rows.map((row) => row.name);
    });
  }

  async userCount(name: string): Promise<number> {
    return this.call(`Counting the users of ${JSON.stringify(name)}`, async (client) => {
      const result = await client.query<{ user_count: string }>(
        `SELECT user_count FROM ${this.config.tables.features} WHERE name = $1`,
        [name],
      );
      return Number(result.rows[0]?.user_count ?? 0);
    });
  }

  /**
   * One page of a feature's users (a segment's units) or deny list, in the
   * order of the ids (the column's collation): one range scan of the
   * table's primary key, `limit` rows (and one more, to know whether a page
   * follows), whatever the list's size. `total` without a search is the
   * feature's user count (kept in its row) or the deny list's count; a
   * search (`strpos`) leaves it unknown.
   */
  async members(name: string, query: MembersQuery): Promise<MembersPage> {
    const t = this.config.tables;
    const [table, column] = query.list === 'deny' ? [t.denied, 'unit'] : [t.users, 'user_id'];
    const contains = query.contains ?? '';
    return this.call(`Listing the ${query.list} of ${JSON.stringify(name)}`, async (client) => {
      const result = await client.query<{ id: string }>(
        `SELECT ${column} AS id FROM ${table}
         WHERE feature = $1 AND ($2::text IS NULL OR ${column} > $2) AND ($3::text IS NULL OR strpos(${column}, $3) > 0)
         ORDER BY ${column} LIMIT $4`,
        [
          name,
          query.after === undefined ? null : encodeText(query.after),
          contains === '' ? null : encodeText(contains),
          query.limit + 1,
        ],
      );
      const ids = result.rows.slice(0, query.limit).map((row) => decodeText(row.id));
      let total: number | undefined;
      if (contains === '') {
        const counted = await client.query<{ n: string }>(
          query.list === 'deny'
            ? `SELECT count(*) AS n FROM ${t.denied} WHERE feature = $1`
            : `SELECT user_count AS n FROM ${t.features} WHERE name = $1`,
          [name],
        );
        total = Number(counted.rows[0]?.n ?? 0);
      }
      return {
        ids,
        ...(result.rows.length > query.limit ? { next: ids[ids.length - 1]! } : {}),
        ordered: true,
        ...(total !== undefined ? { total } : {}),
      };
    });
  }

  /** Whether the change feed is listening; when it is back it asks the cache for a resync. */
  isConnected(): boolean {
    return !this.closed && [...this.feeds].some((feed) => feed.connected);
  }

  subscribe(listener: StoreListener): () => void {
    const { tables, heartbeatMs, writeTimeoutMs } = this.config;
    const feed = new ChangeFeed(this.pool.options, tables.listen, listener, {
      heartbeatMs,
      timeoutMs: Math.max(writeTimeoutMs, 1000),
    });
    this.feeds.add(feed);
    return () => {
      this.feeds.delete(feed);
      feed.close();
    };
  }

  /** Closes the listening connections this store opened; the pool stays open. */
  async close(): Promise<void> {
    this.closed = true;
    for (const feed of this.feeds) feed.close();
    this.feeds.clear();
  }

  /** Every feature (or one), with the head, in one statement: one consistent view. */
  private async selectFeatures(client: PoolClient, name: string | undefined, withUsers: boolean): Promise<HeadedRow[]> {
    const t = this.config.tables;
    const result = await client.query<HeadedRow>(
      `SELECT h.epoch AS head_epoch, h.version AS head_version, f.name, f.epoch, f.v, f.data, f.user_count,
         (SELECT coalesce(json_agg(json_build_array(p.source, p.flags)), '[]') FROM ${t.patterns} p WHERE p.feature = f.name) AS patterns,
         CASE WHEN $1 THEN (SELECT coalesce(array_agg(u.user_id), '{}') FROM ${t.users} u WHERE u.feature = f.name) END AS users,
         CASE WHEN $1 THEN (SELECT coalesce(array_agg(d.unit), '{}') FROM ${t.denied} d WHERE d.feature = f.name) END AS deny,
         CASE WHEN NOT $1 THEN (SELECT count(*) FROM ${t.denied} d WHERE d.feature = f.name) END AS denied_count
       FROM (SELECT 1) one
       LEFT JOIN ${t.head} h ON true
       LEFT JOIN ${t.features} f ON ($2::text IS NULL OR f.name = $2)`,
      [withUsers, name ?? null],
    );
    return result.rows;
  }

  /**
   * Runs requests that answer with a version one after another, as the
   * store contract wants replies in the store's order (the cache takes a
   * lower version after a higher one for a store that went back). A pool
   * would answer them out of order; writes take turns on the head row
   * anyway. A request waits here within its own deadline, set when it was
   * made (`until`): one still waiting then (behind a snapshot the database
   * holds up) rejects with HANOI_BACKEND_UNAVAILABLE, never sent. User
   * lookups carry no version and do not wait.
   */
  private inOrder<T>(request: () => Promise<T>, until?: number, what = 'A request'): Promise<T> {
    const previous = this.tail;
    const turn =
      until === undefined
        ? previous
        : withTimeout(
            previous,
            until - Date.now(),
            () =>
              new BackendUnavailableError(
                `${what}: PostgreSQL did not answer an earlier request within the timeout; nothing was sent.`,
              ),
          );
    const result = turn.then(request);
    // The next request waits for this one, and for the one before it even when this one gave up waiting.
    this.tail = Promise.allSettled([previous, result]).then(() => {});
    return result;
  }

  /** A read for a caller, within the write timeout (it waits for a restarting server meanwhile). */
  private call<T>(what: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new BackendUnavailableError(`${what}: the store was closed.`));
    const until = Date.now() + this.config.writeTimeoutMs;
    return this.inOrder(() => withClient(this.pool, what, until, fn), until, what);
  }

  /**
   * A read the cache makes in the background: never piles up behind a
   * server that hangs (while two are unanswered, the next fails at once).
   */
  private async backgroundRead<T>(what: string, ms: number, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new BackendUnavailableError(`${what}: the store was closed.`);
    if (this.background >= 2) throw new BackendUnavailableError(`${what}: an earlier request is still unanswered.`);
    this.background++;
    try {
      const until = Date.now() + ms;
      return await this.inOrder(() => withClient(this.pool, what, until, fn));
    } finally {
      this.background--;
    }
  }
}

/** A read of one feature from the rows of `selectFeatures`. */
function readOf(rows: HeadedRow[], withUsers: boolean): StoreRead {
  const head = headOf(rows[0]);
  const row = rows[0];
  return { ...head, feature: row?.name != null ? decodeRow(row as FeatureRow, head.epoch, withUsers) : undefined };
}

function headOf(row: HeadedRow | undefined): StoreHead {
  return row?.head_epoch != null
    ? { epoch: row.head_epoch, version: Number(row.head_version) }
    : { epoch: '', version: 0 };
}

/** Whether `err` is PostgreSQL rolling a transaction back for another's sake: a deadlock (40P01) or a serialisation failure (40001). */
function rolledBack(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
