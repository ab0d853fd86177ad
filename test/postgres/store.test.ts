import { Rollout, type StoredFeature } from '@hanoi/core';
import { ExitCode, run } from '@hanoi/cli';
import { migrate, PostgresBackend, PostgresStore } from '@hanoi/postgres';
import { PassThrough } from 'node:stream';
import { freePort } from '../support/redis-server';
import { uniqueSchema } from '../support/postgres-server';
import { asOutsider, eventually, quietLogger, usePostgres } from './postgres-fixture';

// What is particular to the PostgreSQL store: its schema, made by migrate()
// and `hanoi migrate`, its tables and indexes, and what it does when rows
// are changed behind its back.
const pg = usePostgres();
jest.setTimeout(60_000);
const defaults = { enabled: true, percentage: 0, variants: [] };

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, env: {} }, output: () => ({ out, err }) };
}

describe('migrate', () => {
  it('is idempotent, also run by several processes at once, and makes the head row with an epoch', async () => {
    const pool = pg.pool();
    const schema = uniqueSchema();
    await Promise.all([migrate(pool, { schema }), migrate(pg.pool(), { schema }), migrate(pg.pool(), { schema })]);
    const head = await pool.query(`SELECT epoch, version FROM "${schema}"."head"`);
    expect(head.rows).toHaveLength(1);
    expect(head.rows[0].epoch).toMatch(/^[0-9a-f-]{36}$/);
    const store = new PostgresStore(pool, { schema });
    await store.write('beta', { op: 'add', data: {}, defaults });
    await migrate(pool, { schema }); // again, over data: nothing changes
    expect(await store.head()).toEqual({ epoch: head.rows[0].epoch, version: 1 });
    expect(await store.listNames()).toEqual(['beta']);
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  });

  it('moves deny lists an earlier schema kept in the jsonb data into their table, once, in both modes', async () => {
    const pool = pg.pool();
    const schema = uniqueSchema();
    await migrate(pool, { schema });
    // The schema as an earlier version left it: no deny table, each list a field of the data (ids as encodeText writes them).
    await pool.query(`DROP TABLE "${schema}"."denied"`);
    const old = { enabled: true, percentage: 100, variants: [], by: 'companyId', deny: ['c1', 'c\\0x'] };
    await pool.query(
      `INSERT INTO "${schema}"."features" (name, epoch, v, data) SELECT 'beta', epoch, 1, $1::jsonb FROM "${schema}"."head"`,
      [JSON.stringify(old)],
    );
    await pool.query(
      `INSERT INTO "${schema}"."features" (name, epoch, v, data) SELECT 'odd', epoch, 1, $1::jsonb FROM "${schema}"."head"`,
      [JSON.stringify({ enabled: true, percentage: 100, variants: [], deny: 'not a list' })],
    );
    await Promise.all([migrate(pool, { schema }), migrate(pg.pool(), { schema })]);
    await migrate(pool, { schema });
    const rows = await pool.query(`SELECT feature, unit FROM "${schema}"."denied" ORDER BY unit`);
    expect(rows.rows).toEqual([
      { feature: 'beta', unit: 'c1' },
      { feature: 'beta', unit: 'c\\0x' },
    ]);
    const data = await pool.query(`SELECT data FROM "${schema}"."features" ORDER BY name`);
    expect(data.rows.map((r) => r.data.deny)).toEqual([undefined, undefined]);
    for (const lookupUsers of [false, true]) {
      const backend = new PostgresBackend(pool, { schema, lookupUsers, logger: quietLogger() });
      const rollout = new Rollout(backend);
      try {
        await rollout.ready();
        await eventually(() => backend.store.isConnected());
        expect((await rollout.getFunc('beta'))!.deny).toEqual(['c\u0000x', 'c1']); // sorted: NUL comes first
        expect(await rollout.isEnabled('beta', { companyId: 'c\u0000x' })).toBe(false);
        expect(await rollout.isEnabled('beta', { companyId: 'c1' })).toBe(false);
        expect(await rollout.isEnabled('beta', { companyId: 'c2' })).toBe(true);
        expect((await rollout.getFunc('odd'))!.deny).toBeUndefined();
      } finally {
        await rollout.close();
      }
    }
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  });

  it('quotes the schema: mixed case and punctuation are one schema, and bad names are refused at construction', async () => {
    const pool = pg.pool();
    const schema = `Shop-${uniqueSchema().slice(-6)}$x`;
    await migrate(pool, { schema });
    const backend = new PostgresBackend(pool, { schema, logger: quietLogger() });
    const rollout = new Rollout(backend);
    await rollout.ready();
    await rollout.addFunc('beta', { percentage: 30 });
    const row = await pool.query(`SELECT data FROM "${schema}"."features" WHERE name = 'beta'`);
    expect(row.rows[0].data).toEqual({ enabled: true, percentage: 30, variants: [] });
    await rollout.close();
    for (const bad of ['', 'a"b', 'x; DROP TABLE t', '1abc', 'a'.repeat(49), 42]) {
      expect(() => new PostgresStore(pool, { schema: bad as string })).toThrow(TypeError);
    }
    expect(() => new PostgresStore({} as never)).toThrow(TypeError);
    expect(() => new PostgresBackend(pool, { writeTimeoutMs: -1 })).toThrow(TypeError);
    expect(() => new PostgresBackend(pool, { logger: {} as never })).toThrow(TypeError);
    expect(() => new PostgresBackend(pool, { onError: 'log' as never })).toThrow(TypeError);
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  });

  it('a store on a schema that was never migrated says to run migrate, and creates nothing', async () => {
    const pool = pg.pool();
    const schema = uniqueSchema();
    const store = new PostgresStore(pool, { schema });
    await expect(store.write('beta', { op: 'add', data: {}, defaults })).rejects.toMatchObject({
      code: 'HANOI_BACKEND_UNAVAILABLE',
      message: expect.stringContaining('migrate'),
    });
    await expect(store.listNames()).rejects.toThrow(/migrate/);
    const exists = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(exists.rows).toEqual([]);
  });

  it('hanoi migrate --postgres URL --schema NAME makes the tables; unreachable exits 4, no URL exits 2', async () => {
    const schema = uniqueSchema();
    const { io, output } = capture();
    expect(await run(['migrate', '--postgres', pg.server().url, '--schema', schema], { io })).toBe(ExitCode.OK);
    expect(await run(['migrate', '--postgres', pg.server().url, '--schema', schema], { io })).toBe(ExitCode.OK);
    expect(output().out).toContain(`migrated schema ${schema}`);
    const tables = await pg
      .pool()
      .query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'denied',
      'features',
      'head',
      'history',
      'history_count',
      'patterns',
      'users',
    ]);
    const port = await freePort();
    const down = `postgres://nobody@127.0.0.1:${port}/none`;
    expect(await run(['--timeout', '500', 'migrate', '--postgres', down], { io })).toBe(ExitCode.UNREACHABLE);
    expect(output().err).toContain(`127.0.0.1:${port}`);
    expect(await run(['migrate'], { io })).toBe(ExitCode.USAGE);
    expect(await run(['migrate', '--postgres', 'redis://x'], { io })).toBe(ExitCode.USAGE);
    expect(await run(['migrate', '--postgres', pg.server().url, '--schema', 'a"b'], { io })).toBe(ExitCode.USAGE);
    await pg.pool().query(`DROP SCHEMA "${schema}" CASCADE`);
  });
});

describe('hanoi --postgres', () => {
  it('runs the same commands on PostgreSQL, and a running app sees them', async () => {
    const schema = uniqueSchema();
    const { io, output } = capture();
    const url = pg.server().url;
    const hanoi = (...args: string[]) => run(['--postgres', url, '--schema', schema, ...args], { io });
    expect(await run(['migrate', '--postgres', url, '--schema', schema], { io })).toBe(ExitCode.OK);
    const app = new PostgresBackend(pg.pool(), { schema, logger: quietLogger() });
    const rollout = new Rollout(app);
    await rollout.ready();
    expect(await hanoi('add', 'beta', '--percentage', '10')).toBe(ExitCode.OK);
    expect(await hanoi('register', 'beta', '447568110000', '443301')).toBe(ExitCode.OK);
    expect(await hanoi('check', 'beta', '443301')).toBe(ExitCode.OK);
    expect(await hanoi('check', 'beta', '44488')).toBe(ExitCode.OK);
    expect(await hanoi('percentage', 'ghost', '5')).toBe(ExitCode.UNKNOWN_FEATURE);
    expect(output().out).toContain('on: listed user');
    expect(output().out).toContain('off: bucket 88 is not under 10%');
    await eventually(() => app.peek('beta')?.users?.size === 2, 5000);
    expect(await rollout.isEnabled('beta', '447568110000')).toBe(true);
    await rollout.close();
    const port = await freePort();
    expect(await run(['--timeout', '500', '--postgres', `postgres://x@127.0.0.1:${port}/x`, 'list'], { io })).toBe(
      ExitCode.UNREACHABLE,
    );
    expect(await run(['--postgres', url, '--redis', 'redis://127.0.0.1:1', 'list'], { io })).toBe(ExitCode.USAGE);
    await pg.pool().query(`DROP SCHEMA "${schema}" CASCADE`);
  });
});

describe('tables', () => {
  it('finds one user among 1,000,000 with one index probe, and counts users without reading them', async () => {
    const pool = pg.pool();
    const schema = await pg.schema();
    const store = new PostgresStore(pool, { schema }, false);
    await store.write('big', { op: 'add', data: {}, defaults });
    await store.write('other', { op: 'add', data: {}, defaults });
    await pool.query(
      `INSERT INTO "${schema}"."users" (feature, user_id) SELECT 'big', 'u' || i FROM generate_series(1, 1000000) i`,
    );
    await pool.query(`UPDATE "${schema}"."features" SET user_count = 1000000 WHERE name = 'big'`);
    await pool.query(`ANALYZE "${schema}"."users"`);
    // The lookup's shape: (feature, unit) pairs joined to the users table, each pair one probe of its primary key.
    const plan = await pool.query(
      `EXPLAIN (FORMAT JSON) SELECT u.feature, u.user_id FROM unnest($1::text[], $2::text[]) AS q(feature, user_id)
       JOIN "${schema}"."users" u ON u.feature = q.feature AND u.user_id = q.user_id`,
      [
        ['big', 'other'],
        ['u777777', 'u777777'],
      ],
    );
    type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
    const nodes: PlanNode[] = [];
    const walk = (node: PlanNode) => (nodes.push(node), node.Plans?.forEach(walk));
    walk(plan.rows[0]['QUERY PLAN'][0].Plan as PlanNode);
    const onUsers = nodes.filter((node) => node['Relation Name'] === 'users');
    expect(
      onUsers.map((node) => [node['Node Type'].replace('Index Only Scan', 'Index Scan'), node['Index Name']]),
    ).toEqual([['Index Scan', 'users_pkey']]);
    expect(await store.userCount('big')).toBe(1_000_000);
    // A lookup asks the pool, change feed or not (this store has none).
    expect((await store.lookup!([{ unit: 'u777777', names: ['big'] }])).map((set) => [...set])).toEqual([['big']]);
    const backend = new PostgresBackend(pool, { schema, lookupUsers: true, logger: quietLogger() });
    const rollout = new Rollout(backend);
    await rollout.ready();
    await eventually(() => backend.store.isConnected());
    expect([...(await backend.lookupUser!('u777777', ['big', 'other']))]).toEqual(['big']);
    expect(await rollout.isEnabled('big', 'u777777')).toBe(true);
    expect(await rollout.isEnabled('big', 'u1000001')).toBe(false);
    await rollout.close();
  });

  it('keeps feature data as jsonb: a field it does not know needs no schema change', async () => {
    const pool = pg.pool();
    const schema = await pg.schema();
    const store = new PostgresStore(pool, { schema });
    await store.write('beta', { op: 'add', data: { rules: [{ attribute: 'country', in: ['FR'] }] }, defaults });
    const row = await pool.query(`SELECT data->'rules' AS rules FROM "${schema}"."features"`);
    expect(row.rows[0].rules).toEqual([{ attribute: 'country', in: ['FR'] }]);
    expect((await store.read('beta', false)).feature).toMatchObject({ data: { rules: [{ attribute: 'country' }] } });
  });

  it('a row damaged behind its back harms only its own feature', async () => {
    const pool = pg.pool();
    const schema = await pg.schema();
    const logger = quietLogger();
    const backend = new PostgresBackend(pool, { schema, logger, resyncIntervalMs: 200 });
    const rollout = new Rollout(backend, { logger });
    await rollout.ready();
    await rollout.addFunc('good', { percentage: 100 });
    await rollout.addFunc('bad', { percentage: 100 });
    await pool.query(`UPDATE "${schema}"."features" SET data = '"nonsense"'::jsonb WHERE name = 'bad'`);
    await pool.query(`UPDATE "${schema}"."head" SET version = version + 1`); // as a write would; the check finds it
    await eventually(() => backend.peek('bad') === undefined, 5000);
    expect(await rollout.isEnabled('good', 'anyone')).toBe(true);
    await expect(rollout.setPercentage('bad', 5)).rejects.toMatchObject({ code: 'HANOI_FEATURE_DAMAGED' });
    await rollout.setPercentage('good', 0);
    expect(logger.messages.filter((m) => m.includes('"bad"'))).toHaveLength(1);
    await rollout.remove('bad');
    await rollout.addFunc('bad', { percentage: 100 });
    expect(await rollout.isEnabled('bad', 'anyone')).toBe(true);
    await rollout.close();
  });

  it('a write that PostgreSQL makes a deadlock victim is run again and applied once', async () => {
    const pool = pg.pool();
    const schema = await pg.schema();
    const store = new PostgresStore(pool, { schema, writeTimeoutMs: 10_000 });
    await store.write('beta', { op: 'add', data: {}, defaults });
    const outside = await pool.connect();
    try {
      // The outside transaction waits longer before it looks for a deadlock, so the store's is the one PostgreSQL
      // finds and rolls back: it holds beta's row, the store's write takes the head row and waits for beta's...
      await outside.query("SET deadlock_timeout = '20s'");
      await outside.query('BEGIN');
      await outside.query(`SELECT 1 FROM "${schema}"."features" WHERE name = 'beta' FOR UPDATE`);
      const writing = store.write('beta', { op: 'update', data: { percentage: 7 } });
      await eventually(async () => (await pool.query('SELECT 1 FROM pg_locks WHERE NOT granted')).rowCount! > 0, 5000);
      // ...and the outside transaction then asks for the head row: a cycle.
      await outside.query(`UPDATE "${schema}"."head" SET version = version`);
      await outside.query('ROLLBACK');
      const written = await writing;
      expect(((await store.read('beta', false)).feature as StoredFeature).data.percentage).toBe(7);
      expect(written.version).toBe(2);
      const history = await store.history({ feature: 'beta', limit: 10 });
      expect(history.entries.map((e) => e.action)).toEqual(['update', 'create']);
    } finally {
      outside.release();
    }
  });

  it('TRUNCATE starts a new epoch, and DELETE of the head row too; running processes converge', async () => {
    const pool = pg.pool();
    const schema = await pg.schema();
    const store = new PostgresStore(pool, { schema });
    const first = await store.write('beta', { op: 'add', data: {}, defaults });
    const backend = new PostgresBackend(pool, { schema, logger: quietLogger(), resyncIntervalMs: 60_000 });
    await backend.ready();
    await asOutsider(pool, `TRUNCATE "${schema}"."features" CASCADE`);
    expect((await store.head()).epoch).toBe('');
    const second = await store.write('gamma', { op: 'add', data: {}, defaults });
    expect(second.epoch).not.toBe(first.epoch);
    expect(second.version).toBe(1);
    // The truncate announced itself: no periodic check is needed to converge.
    await eventually(() => backend.peek('beta') === undefined && backend.peek('gamma') !== undefined, 5000);
    await asOutsider(pool, `DELETE FROM "${schema}"."head"`);
    const third = await store.write('gamma', { op: 'update', data: { percentage: 7 } });
    expect(third.epoch).not.toBe(second.epoch);
    expect(third.previousV).toBe(0); // written in another epoch
    await backend.close();
  });
});
