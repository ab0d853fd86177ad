import {
  FeatureDamagedError,
  FeatureNotFoundError,
  type FeatureData,
  type StoreWrite,
  type StoreWriteResult,
} from '@hanoi/core';
import type { PoolClient } from 'pg';
import { changePayload, decodeRow, encodeText, whyDamaged, type FeatureRow } from './codec';
import type { Tables } from './schema';

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
 * 3. the feature gets the new version, the head too, and NOTIFY is queued
 *    (PostgreSQL delivers it at COMMIT, never for a rolled-back write).
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
  if (!row && write.op !== 'add') throw new FeatureNotFoundError(name);
  if (row && write.op !== 'remove') {
    const why = whyDamaged(row.data);
    if (why) throw new FeatureDamagedError(name, why);
  }
  const previousV = row && row.epoch === epoch ? Number(row.v) : 0;
  let data = (row?.data as FeatureData | undefined) ?? (write.op === 'add' ? { ...write.defaults } : undefined)!;
  let userDelta = 0;
  switch (write.op) {
    case 'add':
    case 'update':
      data = { ...data, ...withoutUndefined(write.data) };
      break;
    case 'toggle':
      data = { ...data, enabled: !data.enabled };
      break;
    case 'addUsers':
    case 'removeUsers':
      userDelta = await writeUsers(client, t, name, write.op, write.users);
      break;
    case 'addPattern':
      await client.query(
        `INSERT INTO ${t.patterns} (feature, flags, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [name, write.pattern.flags, encodeText(write.pattern.source)],
      );
      break;
    case 'removePattern':
      await client.query(`DELETE FROM ${t.patterns} WHERE feature = $1 AND flags = $2 AND source = $3`, [
        name,
        write.pattern.flags,
        encodeText(write.pattern.source),
      ]);
      break;
    case 'remove':
      await client.query(`DELETE FROM ${t.features} WHERE name = $1`, [name]);
      break;
  }
  let feature;
  if (write.op !== 'remove') {
    const saved = await client.query<FeatureRow>(
      `INSERT INTO ${t.features} AS f (name, epoch, v, data, user_count) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET epoch = $2, v = $3, data = $4, user_count = f.user_count + $5
       RETURNING name, epoch, v, data, user_count,
         (SELECT coalesce(json_agg(json_build_array(p.source, p.flags)), '[]') FROM ${t.patterns} p WHERE p.feature = $1) AS patterns`,
      [name, epoch, version, JSON.stringify(data), userDelta],
    );
    feature = decodeRow(saved.rows[0]!, epoch, false);
    if ('damaged' in feature) throw new FeatureDamagedError(name, feature.damaged);
  }
  await client.query(`UPDATE ${t.head} SET version = $1`, [version]);
  await client.query('SELECT pg_notify($1, $2)', [t.channel, changePayload(epoch, version, name)]);
  return { result: { epoch, version, name, previousV, feature }, deadline };
}

/** Adds or removes users in batches; returns how the count changed. */
async function writeUsers(
  client: PoolClient,
  t: Tables,
  name: string,
  op: 'addUsers' | 'removeUsers',
  users: readonly string[],
): Promise<number> {
  let delta = 0;
  for (let i = 0; i < users.length; i += USER_BATCH) {
    const batch = users.slice(i, i + USER_BATCH).map(encodeText);
    const done =
      op === 'addUsers'
        ? await client.query(
            `INSERT INTO ${t.users} (feature, user_id) SELECT $1, id FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING`,
            [name, batch],
          )
        : await client.query(`DELETE FROM ${t.users} WHERE feature = $1 AND user_id = ANY($2::text[])`, [name, batch]);
    delta += (op === 'addUsers' ? 1 : -1) * (done.rowCount ?? 0);
  }
  return delta;
}

function withoutUndefined(data: Partial<FeatureData>): Partial<FeatureData> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}
