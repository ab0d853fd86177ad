import {
  ConflictError,
  FeatureDamagedError,
  FeatureNotFoundError,
  type FeatureData,
  type HistoryAction,
  type HistoryChange,
  type StoreWrite,
  type WriteMeta,
  type StoreWriteResult,
} from '@hanoi/core';
import type { PoolClient } from 'pg';
import {
  changePayload,
  decodeData,
  decodeRow,
  decodeText,
  encodeData,
  encodeText,
  whyDamaged,
  type FeatureRow,
} from './codec';
import type { Tables } from './schema';

/** The most ids one history entry lists: a bulk write of users records one entry per 1,000 ids, as on Redis. */
const USERS_PER_ENTRY = 1000;
/** Users are sent in batches of this many ids per statement, all in the one transaction. */
const USER_BATCH = 10_000;

/** A write ready to commit: its result, and the deadline (the server's clock, ms) its COMMIT must beat. */
export interface PreparedWrite {
  readonly result: StoreWriteResult;
  readonly deadline: number;
}

/**
 * Runs one write inside the open transaction on `client`, up to (not
 * including) its COMMIT:
 * 1. the head row is created if missing (a new random epoch) and locked:
 *    writers take turns here, so versions are gapless and in commit order;
 * 2. the feature's row is locked and read; the change applied;
 *    A write that expects the feature's latest history entry
 *    (`meta.expect`, a revert) is refused with HANOI_CONFLICT here;
 *    A deny list lives in its own table: a write that reads or changes it
 *    (deny, undeny, a data field `deny`, remove, restore) reads it into the
 *    data first, so it is recorded as the change of the field `deny`, and
 *    writes back only the ids that changed;
 * 3. the feature gets the new version, its history entry is appended (with
 *    retention), the head gets the version, and NOTIFY is queued (PostgreSQL
 *    delivers it at COMMIT, never for a rolled-back write). The change and
 *    its entry commit together or not at all.
 * `leftMs` is how long the caller still waits: the COMMIT must reach the
 * server before `deadline` (its clock, read in step 1), or it is refused.
 */
export async function prepareWrite(
  client: PoolClient,
  t: Tables,
  name: string,
  write: StoreWrite,
  newEpoch: string,
  leftMs: () => number,
  historyLimit: number,
  withDeny: boolean,
): Promise<PreparedWrite> {
  const head = await client.query<{ epoch: string; version: string; now: number }>(
    `INSERT INTO ${t.head} (singleton, epoch, version) VALUES (true, $1, 0)
     ON CONFLICT (singleton) DO UPDATE SET singleton = true
     RETURNING epoch, version, (extract(epoch from clock_timestamp()) * 1000)::float8 AS now`,
    [newEpoch],
  );
  const { epoch } = head.rows[0]!;
  // The server's clock when the lock was taken, plus what is left of the caller's wait, less a margin.
  const deadline = head.rows[0]!.now + leftMs() - 5;
  const version = Number(head.rows[0]!.version) + 1;
  const found = await client.query<FeatureRow>(
    `SELECT name, epoch, v, data, user_count, '[]'::json AS patterns FROM ${t.features} WHERE name = $1 FOR UPDATE`,
    [name],
  );
  const row = found.rows[0];
  if (!row && write.op !== 'add' && write.op !== 'restore') throw new FeatureNotFoundError(name);
  if (row && write.op !== 'remove') {
    const why = whyDamaged(row.data);
    if (why) throw new FeatureDamagedError(name, why);
  }
  const meta = write.meta ?? { actor: 'unknown', source: 'api' as const };
  if (meta.expect !== undefined) {
    // The head row is locked: no other write of this store can append an entry meanwhile.
    const found = await client.query<{ latest: string }>(
      `SELECT coalesce(max(id)::text, '') AS latest FROM ${t.history} WHERE feature = $1`,
      [name],
    );
    const latest = found.rows[0]!.latest;
    if (latest !== meta.expect) throw new ConflictError(name, meta.expect, latest);
  }
  const previousV = row && row.epoch === epoch ? Number(row.v) : 0;
  const defaults = write.op === 'add' ? write.defaults : write.op === 'restore' ? write.data : undefined;
  let data = (decodeData(row?.data) as FeatureData | undefined) ?? { ...defaults! };
  // The deny list, read from its table when this write reads or changes it.
  const touchesDeny =
    write.op === 'addDenied' ||
    write.op === 'removeDenied' ||
    write.op === 'remove' ||
    write.op === 'restore' ||
    ((write.op === 'add' || write.op === 'update') && write.data.deny !== undefined);
  const denyBefore = row && touchesDeny ? await readDeny(client, t, name) : [];
  if (denyBefore.length > 0) data = { ...data, deny: denyBefore };
  let userDelta = 0;
  let action: HistoryAction = write.op === 'add' ? (row ? 'update' : 'create') : 'update';
  let before: HistoryChange | null = {};
  let after: HistoryChange | null = {};
  // A bulk register or unregister is recorded as one entry per 1,000 ids it changed, as on Redis: the ids of
  // all but the last batch here, each an entry appended before the write's own.
  const earlier: HistoryChange[] = [];
  const fieldsBefore = (fields: object): HistoryChange => {
    const old: HistoryChange = {};
    for (const field of Object.keys(fields)) if (row && field in data) old[field] = data[field];
    return old;
  };
  switch (write.op) {
    case 'add':
    case 'update': {
      const fields = withoutUndefined(write.data);
      if (action === 'create') {
        before = null;
        after = { ...data, ...fields, users: [], patterns: [] };
      } else {
        before = fieldsBefore(fields);
        after = { ...fields };
      }
      data = { ...data, ...fields };
      break;
    }
    case 'toggle':
      action = 'toggle';
      before = { enabled: data.enabled };
      after = { enabled: !data.enabled };
      data = { ...data, enabled: !data.enabled };
      break;
    case 'addUsers':
    case 'removeUsers': {
      const changed = await writeUsers(client, t, name, write.op, write.users);
      userDelta = (write.op === 'addUsers' ? 1 : -1) * changed.length;
      const lastBatch = Math.max(0, Math.ceil(changed.length / USERS_PER_ENTRY) - 1) * USERS_PER_ENTRY;
      for (let i = 0; i < lastBatch; i += USERS_PER_ENTRY)
        earlier.push({ users: changed.slice(i, i + USERS_PER_ENTRY) });
      const last = lastBatch === 0 ? changed : changed.slice(lastBatch);
      if (write.op === 'addUsers') [action, after] = ['register', { users: last }];
      else [action, before] = ['unregister', { users: last }];
      break;
    }
    case 'addPattern': {
      const added = await client.query(
        `INSERT INTO ${t.patterns} (feature, flags, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
        [name, write.pattern.flags, encodeText(write.pattern.source)],
      );
      action = 'register';
      after = { patterns: added.rowCount ? [{ ...write.pattern }] : [] };
      break;
    }
    case 'removePattern': {
      const removed = await client.query(
        `DELETE FROM ${t.patterns} WHERE feature = $1 AND flags = $2 AND source = $3 RETURNING 1`,
        [name, write.pattern.flags, encodeText(write.pattern.source)],
      );
      action = 'unregister';
      before = { patterns: removed.rowCount ? [{ ...write.pattern }] : [] };
      break;
    }
    case 'addDenied':
    case 'removeDenied': {
      // The row is locked: the list is read and written back in this transaction. Recorded as the
      // change of the data field `deny` (null: none), as the memory and Redis stores record it.
      const deny = withDenied(data.deny, write.op === 'addDenied', write.users);
      action = write.op === 'addDenied' ? 'deny' : 'undeny';
      before = { deny: data.deny ?? null };
      after = { deny: deny ?? null };
      const { deny: _old, ...rest } = data;
      data = deny ? { ...rest, deny } : (rest as FeatureData);
      break;
    }
    case 'remove': {
      const why = whyDamaged(row!.data);
      action = 'remove';
      before = why ? { damaged: why } : await wholeFeature(client, t, name, data);
      after = null;
      await client.query(`DELETE FROM ${t.features} WHERE name = $1`, [name]);
      break;
    }
    case 'restore': {
      action = 'restore';
      before = row ? await wholeFeature(client, t, name, data) : null;
      after = { ...write.data, users: [...write.users], patterns: write.patterns.map((p) => ({ ...p })) };
      data = { ...write.data };
      if (row) {
        const gone = await client.query(`DELETE FROM ${t.users} WHERE feature = $1`, [name]);
        userDelta -= gone.rowCount ?? 0;
        await client.query(`DELETE FROM ${t.patterns} WHERE feature = $1`, [name]);
      } else {
        // The row must exist before its users and patterns reference it.
        await client.query(`INSERT INTO ${t.features} (name, epoch, v, data, user_count) VALUES ($1, $2, $3, $4, 0)`, [
          name,
          epoch,
          version,
          encodeData(data),
        ]);
      }
      userDelta += (await writeUsers(client, t, name, 'addUsers', write.users)).length;
      for (const pattern of write.patterns) {
        await client.query(
          `INSERT INTO ${t.patterns} (feature, flags, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [name, pattern.flags, encodeText(pattern.source)],
        );
      }
      break;
    }
  }
  if (meta.reverts !== undefined) action = 'revert';
  let feature;
  if (write.op !== 'remove') {
    const { deny, ...kept } = data;
    await client.query(
      `INSERT INTO ${t.features} AS f (name, epoch, v, data, user_count) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET epoch = $2, v = $3, data = $4, user_count = f.user_count + $5`,
      [name, epoch, version, encodeData(kept as FeatureData), userDelta],
    );
    if (touchesDeny) await writeDeny(client, t, name, denyBefore, Array.isArray(deny) ? (deny as unknown[]) : []);
    const saved = await client.query<FeatureRow>(
      `SELECT name, epoch, v, data, user_count,
         (SELECT coalesce(json_agg(json_build_array(p.source, p.flags)), '[]') FROM ${t.patterns} p WHERE p.feature = $1) AS patterns,
         CASE WHEN $2 THEN (SELECT coalesce(array_agg(d.unit), '{}') FROM ${t.denied} d WHERE d.feature = $1) END AS deny,
         CASE WHEN NOT $2 THEN (SELECT count(*) FROM ${t.denied} d WHERE d.feature = $1) END AS denied_count
       FROM ${t.features} WHERE name = $1`,
      [name, withDeny],
    );
    feature = decodeRow(saved.rows[0]!, epoch, false);
    if ('damaged' in feature) throw new FeatureDamagedError(name, feature.damaged);
  }
  const link = (part: number): EntryLink => ({ epoch, version, previousV, part });
  for (const [part, ids] of earlier.entries()) {
    await appendEntry(
      client,
      t,
      historyLimit,
      name,
      action,
      meta,
      action === 'register' ? {} : ids,
      action === 'register' ? ids : {},
      link(part),
    );
  }
  const entry = await appendEntry(client, t, historyLimit, name, action, meta, before, after, link(earlier.length));
  await client.query(`UPDATE ${t.head} SET version = $1`, [version]);
  await client.query('SELECT pg_notify($1, $2)', [t.channel, changePayload(epoch, version, name)]);
  return { result: { epoch, version, name, entry, previousV, feature }, deadline };
}

/** The whole feature, before a removal or a restore: its data, users and patterns. */
async function wholeFeature(client: PoolClient, t: Tables, name: string, data: FeatureData): Promise<HistoryChange> {
  const users = await client.query<{ user_id: string }>(`SELECT user_id FROM ${t.users} WHERE feature = $1`, [name]);
  const patterns = await client.query<{ flags: string; source: string }>(
    `SELECT flags, source FROM ${t.patterns} WHERE feature = $1`,
    [name],
  );
  return {
    ...data,
    users: users.rows.map((r) => decodeText(r.user_id)),
    patterns: patterns.rows.map((r) => ({ source: decodeText(r.source), flags: r.flags })),
  };
}

/** Where an entry stands among the feature's writes: what readSince follows (see schema.ts). */
interface EntryLink {
  readonly epoch: string;
  readonly version: number;
  readonly previousV: number;
  /** The entry's place among its write's entries, 0 the first. */
  readonly part: number;
}

/**
 * Appends the write's entry (its id from the table's sequence: writes hold
 * the head row's lock while they take it, so ids follow commit order),
 * linked to the feature's entry before it (the newest, found by the index on
 * (feature, id)), and applies retention: past `limit` entries, the oldest
 * are deleted and counted as dropped. The count row is made again (counting
 * the entries) when it is missing. Returns the entry's id.
 */
async function appendEntry(
  client: PoolClient,
  t: Tables,
  limit: number,
  name: string,
  action: HistoryAction,
  meta: WriteMeta,
  before: HistoryChange | null,
  after: HistoryChange | null,
  link: EntryLink,
): Promise<string> {
  const added = await client.query<{ id: string }>(
    `INSERT INTO ${t.history} (feature, action, actor, reason, source, reverts, before, after,
       epoch, version, previous_version, part, previous_entry)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, (SELECT max(id) FROM ${t.history} WHERE feature = $1))
     RETURNING id::text`,
    [
      name,
      action,
      encodeText(meta.actor),
      meta.reason === undefined ? null : encodeText(meta.reason),
      meta.source,
      meta.reverts ?? null,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
      link.epoch,
      link.version,
      link.previousV,
      link.part,
    ],
  );
  const count = await client.query<{ kept: string }>(
    `INSERT INTO ${t.historyCount} AS c (singleton, kept) SELECT true, count(*) FROM ${t.history}
     ON CONFLICT (singleton) DO UPDATE SET kept = c.kept + 1 RETURNING kept`,
  );
  const excess = Number(count.rows[0]!.kept) - limit;
  if (excess > 0) {
    await client.query(
      `WITH gone AS (DELETE FROM ${t.history} WHERE id IN (SELECT id FROM ${t.history} ORDER BY id LIMIT $1) RETURNING 1)
       UPDATE ${t.historyCount} SET kept = kept - (SELECT count(*) FROM gone), dropped = dropped + (SELECT count(*) FROM gone)`,
      [excess],
    );
  }
  return added.rows[0]!.id;
}

/** Adds or removes users in batches; returns the ids it added or removed (those already so are left out). */
async function writeUsers(
  client: PoolClient,
  t: Tables,
  name: string,
  op: 'addUsers' | 'removeUsers',
  users: readonly string[],
): Promise<string[]> {
  const changed: string[] = [];
  for (let i = 0; i < users.length; i += USER_BATCH) {
    const batch = users.slice(i, i + USER_BATCH).map(encodeText);
    const done =
      op === 'addUsers'
        ? await client.query<{ user_id: string }>(
            `INSERT INTO ${t.users} (feature, user_id) SELECT $1, id FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING RETURNING user_id`,
            [name, batch],
          )
        : await client.query<{ user_id: string }>(
            `DELETE FROM ${t.users} WHERE feature = $1 AND user_id = ANY($2::text[]) RETURNING user_id`,
            [name, batch],
          );
    for (const row of done.rows) changed.push(decodeText(row.user_id));
  }
  return changed;
}

/** The deny list of `name` in its table: decoded, sorted. */
async function readDeny(client: PoolClient, t: Tables, name: string): Promise<string[]> {
  const found = await client.query<{ unit: string }>(`SELECT unit FROM ${t.denied} WHERE feature = $1`, [name]);
  return found.rows.map((row) => decodeText(row.unit)).sort();
}

/** Makes the deny list of `name` `after` (ids that are not strings are left out), writing only what differs from `before`. */
async function writeDeny(
  client: PoolClient,
  t: Tables,
  name: string,
  before: readonly string[],
  after: readonly unknown[],
): Promise<void> {
  const wanted = new Set(after.filter((id): id is string => typeof id === 'string'));
  const had = new Set(before);
  const gone = before.filter((id) => !wanted.has(id)).map(encodeText);
  const added = [...wanted].filter((id) => !had.has(id)).map(encodeText);
  if (gone.length > 0) {
    await client.query(`DELETE FROM ${t.denied} WHERE feature = $1 AND unit = ANY($2::text[])`, [name, gone]);
  }
  if (added.length > 0) {
    await client.query(
      `INSERT INTO ${t.denied} (feature, unit) SELECT $1, id FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING`,
      [name, added],
    );
  }
}

/** The deny list `list` with `users` added (or removed): sorted, distinct; undefined when empty. */
function withDenied(list: unknown, add: boolean, users: readonly string[]): string[] | undefined {
  const deny = new Set(Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : []);
  for (const id of users) {
    if (add) deny.add(id);
    else deny.delete(id);
  }
  return deny.size > 0 ? [...deny].sort() : undefined;
}

function withoutUndefined(data: Partial<FeatureData>): Partial<FeatureData> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}
