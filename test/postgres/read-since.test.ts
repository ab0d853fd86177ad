import { Rollout, type ChangedFeature, type StoredFeature, type StoreWrite } from '@hanoi/core';
import { PostgresBackend, PostgresStore } from '@hanoi/postgres';
import type { Pool, PoolClient } from 'pg';
import { eventually, quietLogger, usePostgres } from './postgres-fixture';

// readSince on PostgreSQL: another process applies only what a write changed,
// through the links of the history entries, and reads the feature whole
// whenever the chain back to the version it holds is not complete and exact.
const pg = usePostgres();
jest.setTimeout(120_000);
const defaults = { enabled: true, percentage: 0, variants: [] };
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sorted = (xs: Iterable<string>) => [...xs].sort();

/** `pool` with the text of every statement its borrowed connections send kept in `sent`. */
function spied(pool: Pool): { pool: Pool; sent: string[] } {
  const sent: string[] = [];
  type Connected = (err: Error | undefined, client: PoolClient | undefined) => void;
  const connect = pool.connect.bind(pool) as (callback: Connected) => void;
  const watched = new WeakSet<PoolClient>(); // the pool hands the same connection out again
  const watch = (client: PoolClient): PoolClient => {
    if (watched.has(client)) return client;
    watched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string') sent.push(args[0]);
      return query(...args);
    };
    return client;
  };
  (pool as { connect: unknown }).connect = (callback: Connected) =>
    connect((err, client) => callback(err, client && watch(client)));
  return { pool, sent };
}

/** The users PostgreSQL lists for `name`. */
async function usersIn(pool: Pool, schema: string, name: string): Promise<string[]> {
  const rows = await pool.query<{ user_id: string }>(
    `SELECT user_id FROM "${schema}"."users" WHERE feature = $1 ORDER BY user_id`,
    [name],
  );
  return sorted(rows.rows.map((row) => row.user_id));
}

const WHOLE_USERS = /array_agg\(u\.user_id\)/;
const CHAIN = /WITH RECURSIVE chain/;

it('another process applies a one-user register on a big feature without reading its users', async () => {
  const schema = await pg.schema();
  // A loaded machine: the bulk write must fit its timeout.
  const options = { schema, logger: quietLogger(), resyncIntervalMs: 600_000, writeTimeoutMs: 30_000 };
  const writer = new Rollout(new PostgresBackend(pg.pool(), options));
  const { pool, sent } = spied(pg.pool());
  const observer = new PostgresBackend(pool, options);
  try {
    await writer.ready();
    await writer.addFunc('big');
    await writer.register('big', ids('u', 20_000));
    await observer.ready();
    await eventually(() => observer.store.isConnected() && observer.peek('big')?.users?.size === 20_000, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the snapshot the feed's connection asks for
    sent.length = 0;
    await writer.register('big', 'newcomer');
    await eventually(() => observer.peek('big')?.users?.has('newcomer') === true, 10_000);
    await writer.unregister('big', 'u7');
    await eventually(() => observer.peek('big')?.users?.has('u7') === false, 10_000);
    expect(sent.filter((text) => CHAIN.test(text))).toHaveLength(2);
    expect(sent.filter((text) => WHOLE_USERS.test(text))).toEqual([]);
    expect(sorted(observer.peek('big')!.users!)).toEqual(await usersIn(pool, schema, 'big'));
  } finally {
    await writer.close();
    await observer.close();
  }
});

it('interleaved writes from two processes leave a third holding what PostgreSQL holds', async () => {
  const schema = await pg.schema();
  // A loaded machine: the bulk writes must fit their timeout.
  const options = { schema, logger: quietLogger(), resyncIntervalMs: 600_000, writeTimeoutMs: 30_000 };
  const backends = [new PostgresBackend(pg.pool(), options), new PostgresBackend(pg.pool(), options)];
  const [a, b] = backends.map((backend) => new Rollout(backend)) as [Rollout, Rollout];
  const { pool, sent } = spied(pg.pool());
  const observer = new PostgresBackend(pool, options);
  try {
    await Promise.all([a.ready(), b.ready(), observer.ready()]);
    await a.addFunc('beta');
    await a.register('beta', ids('seed', 50));
    await eventually(() => observer.store.isConnected() && observer.peek('beta')?.users?.size === 50, 10_000);
    sent.length = 0;
    // A fixed pseudo-random sequence (a linear congruential generator), so a failure can be replayed.
    let seed = 4242;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const step = (rollout: Rollout, i: number): Promise<unknown> => {
      switch (next(6)) {
        case 0:
          return rollout.register('beta', `x${next(40)}`);
        case 1:
          return rollout.unregister('beta', [`x${next(40)}`, `seed${next(50)}`]);
        case 2:
          return rollout.register('beta', ids(`bulk${i}-`, 2_500)); // one write, three entries
        case 3:
          return rollout.register('beta', new RegExp(`^p${next(5)}-`));
        case 4:
          return rollout.unregister('beta', new RegExp(`^p${next(5)}-`));
        default:
          return rollout.setPercentage('beta', next(101));
      }
    };
    for (let i = 0; i < 30; i++) await Promise.all([step(a, i), step(b, i + 1000)]);
    const stored = (await new PostgresStore(pg.pool(), { schema }).read('beta', true)).feature as StoredFeature;
    expect(sorted(stored.users!)).toEqual(await usersIn(pool, schema, 'beta'));
    const expected = JSON.stringify([sorted(stored.users!), sorted(stored.patterns.map((p) => p.source))]);
    const held = (backend: PostgresBackend) => {
      const state = backend.peek('beta')!;
      return JSON.stringify([sorted(state.users!), sorted(state.patterns.map((p) => p.source))]);
    };
    for (const backend of [observer, ...backends]) {
      await eventually(() => backend.peek('beta')?.percentage === stored.data.percentage, 10_000);
      await eventually(() => held(backend) === expected, 10_000);
    }
    expect(sent.filter((text) => CHAIN.test(text)).length).toBeGreaterThan(0);
  } finally {
    await a.close();
    await b.close();
    await observer.close();
  }
});

describe('PostgresStore.readSince', () => {
  const meta = { actor: 'test', source: 'api' } as const;
  const setUp = async (historyLimit?: number, holdsUsers = true) => {
    const pool = pg.pool();
    const schema = await pg.schema();
    const store = new PostgresStore(pool, { schema, ...(historyLimit ? { historyLimit } : {}) }, holdsUsers);
    const write = (w: StoreWrite) => store.write('beta', { ...w, meta } as StoreWrite);
    await write({ op: 'add', data: {}, defaults });
    await write({ op: 'addUsers', users: ['a', 'b', 'c'] });
    const held = (await store.read('beta', true)) as { epoch: string; feature: StoredFeature };
    return { pool, schema, store, write, held: { epoch: held.epoch, version: held.feature.v } };
  };

  it('gives what each write changed since, oldest first, with the feature and no users', async () => {
    const { store, write, held } = await setUp();
    await write({ op: 'addUsers', users: ['d'] });
    await write({ op: 'removeUsers', users: ['a', 'zz'] });
    await write({ op: 'addPattern', pattern: { source: '^s-', flags: '' } });
    await write({ op: 'addDenied', users: ['b'] });
    await write({ op: 'addUsers', users: ids('bulk', 2_500) }); // one write, three entries
    const since = await store.readSince('beta', held);
    const feature = since.feature as ChangedFeature;
    expect(feature.users).toBeUndefined();
    expect(feature.patterns).toBeUndefined();
    expect(feature.data.deny).toEqual(['b']);
    expect(feature.userCount).toBe(3 + 1 - 1 + 2_500);
    const users = new Set(['a', 'b', 'c']);
    for (const change of since.changes!) {
      for (const id of change.removed) users.delete(id);
      for (const id of change.added) users.add(id);
    }
    expect(sorted(users)).toEqual(sorted(['b', 'c', 'd', ...ids('bulk', 2_500)]));
    expect(since.patternChanges).toEqual([{ added: [{ source: '^s-', flags: '' }], removed: [] }]);
    // Nothing changed since the latest version: nothing to apply.
    const latest = await store.readSince('beta', { epoch: since.epoch, version: feature.v });
    expect([latest.changes, latest.patternChanges]).toEqual([[], []]);
  });

  it('reads the feature whole when retention dropped an entry of the chain, even one part of a bulk write', async () => {
    const { store, write, held } = await setUp(3);
    await write({ op: 'addUsers', users: ['d'] });
    await write({ op: 'addUsers', users: ['e'] });
    await write({ op: 'addUsers', users: ['f'] });
    await write({ op: 'addUsers', users: ['g'] }); // the entry of the first write after `held` is gone
    const gap = await store.readSince('beta', held);
    expect(gap.changes).toBeUndefined();
    expect(sorted((gap.feature as StoredFeature).users!)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const before = ((await store.read('beta', false)).feature as StoredFeature).v;
    await write({ op: 'addUsers', users: ids('bulk', 3_500) }); // four entries: retention keeps the last three
    const partial = await store.readSince('beta', { epoch: held.epoch, version: before });
    expect(partial.changes).toBeUndefined();
    expect((partial.feature as StoredFeature).users).toHaveLength(7 + 3_500);
  });

  it('reads the feature whole after a reset, from entries without links, and for a feature made anew', async () => {
    const { pool, schema, store, write, held } = await setUp();
    await write({ op: 'addUsers', users: ['d'] });
    // Entries as a version before the links wrote them.
    await pool.query(`UPDATE "${schema}"."history" SET version = NULL, previous_entry = NULL`);
    expect((await store.readSince('beta', held)).changes).toBeUndefined();
    await write({ op: 'addUsers', users: ['e'] });
    const after = ((await store.read('beta', false)).feature as StoredFeature).v;
    // Removed and made again: the new feature's writes do not lead back to the held version.
    await write({ op: 'remove' });
    await write({ op: 'restore', data: defaults, users: ['z'], patterns: [] });
    const remade = await store.readSince('beta', { epoch: held.epoch, version: after });
    expect(remade.changes).toBeUndefined();
    expect((remade.feature as StoredFeature).users).toEqual(['z']);
    // A reset: the tables truncated, a new epoch; the old epoch's version means nothing.
    const t = store.config.tables;
    await pool.query(`TRUNCATE ${t.users}, ${t.patterns}, ${t.denied}, ${t.features}, ${t.head}`);
    await write({ op: 'add', data: {}, defaults });
    await write({ op: 'addUsers', users: ['y'] });
    const reset = await store.readSince('beta', { epoch: held.epoch, version: 1 });
    expect(reset.epoch).not.toBe(held.epoch);
    expect(reset.changes).toBeUndefined();
    expect((reset.feature as StoredFeature).users).toEqual(['y']);
  });

  it('with users looked up, sends only the changes of the patterns', async () => {
    const { store, write, held } = await setUp(undefined, false);
    await write({ op: 'addUsers', users: ids('bulk', 2_500) });
    await write({ op: 'addPattern', pattern: { source: '^s-', flags: 'i' } });
    await write({ op: 'addDenied', users: ['b'] });
    const since = await store.readSince('beta', held);
    expect(since.changes).toEqual([]);
    expect(since.patternChanges).toEqual([{ added: [{ source: '^s-', flags: 'i' }], removed: [] }]);
    expect(since.feature).toMatchObject({ userCount: 2_503, deniedCount: 1 });
    expect((since.feature as ChangedFeature).data.deny).toBeUndefined();
  });
});
