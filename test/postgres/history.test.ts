import { Rollout, type StoredFeature, type StoreWrite } from '@hanoi/core';
import { ExitCode, run } from '@hanoi/cli';
import { migrate, PostgresBackend, PostgresStore } from '@hanoi/postgres';
import { PassThrough } from 'node:stream';
import { uniqueSchema } from '../support/postgres-server';
import { quietLogger, usePostgres } from './postgres-fixture';

// What is particular to the PostgreSQL history (the contract suite checks
// the rest): its tables, added by migrate() to a schema an earlier version
// made; retention; the database's clock; the revert check under racing
// writers; ids and actors PostgreSQL text cannot hold as they are; the CLI.
const pg = usePostgres();
jest.setTimeout(60_000);
const defaults = { enabled: true, percentage: 0, variants: [] };
const meta = { actor: 'test', source: 'api' } as const;

it('migrate() adds the history tables to a schema made before them, keeping its features', async () => {
  const pool = pg.pool();
  const schema = await pg.schema();
  const store = new PostgresStore(pool, { schema });
  await store.write('beta', { op: 'add', data: { percentage: 40 }, defaults });
  // The schema as the previous migrate() left it: no history tables.
  await pool.query(
    `DROP TABLE "${schema}"."history", "${schema}"."history_count"; DROP FUNCTION "${schema}"."hanoi_history_reset"`,
  );
  await expect(store.write('beta', { op: 'toggle' })).rejects.toMatchObject({
    code: 'HANOI_BACKEND_UNAVAILABLE',
    message: expect.stringContaining('migrate'),
  });
  await migrate(pool, { schema });
  await migrate(pool, { schema });
  const { entry } = await store.write('beta', { op: 'toggle', meta });
  const page = await store.history({ limit: 10 });
  expect(page).toEqual({ entries: [expect.objectContaining({ id: entry, action: 'toggle' })], dropped: 0 });
  expect((await store.read('beta', false)).feature).toMatchObject({ data: { percentage: 40, enabled: false } });
});

it('keeps the newest historyLimit entries, counts the dropped ones, and recounts after a TRUNCATE', async () => {
  const pool = pg.pool();
  const schema = await pg.schema();
  const store = new PostgresStore(pool, { schema, historyLimit: 3 });
  await store.write('beta', { op: 'add', data: {}, defaults, meta });
  for (let p = 1; p <= 5; p++) await store.write('beta', { op: 'update', data: { percentage: p }, meta });
  const page = await store.history({ limit: 100 });
  expect(page.entries.map((e) => e.after?.percentage)).toEqual([5, 4, 3]);
  expect(page.dropped).toBe(3);
  const rows = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."history"`);
  expect(rows.rows[0].n).toBe(3);
  await pool.query(`TRUNCATE "${schema}"."history"`);
  await store.write('beta', { op: 'toggle', meta });
  expect((await store.history({ limit: 100 })).entries).toHaveLength(1);
  for (let i = 0; i < 3; i++) await store.write('beta', { op: 'toggle', meta });
  expect((await store.history({ limit: 100 })).entries).toHaveLength(3);
  expect(() => new PostgresStore(pool, { schema, historyLimit: 0 })).toThrow(TypeError);
});

it('stamps entries with the database clock, and reads odd ids as no entry', async () => {
  const pool = pg.pool();
  const schema = await pg.schema();
  const store = new PostgresStore(pool, { schema });
  const { entry } = await store.write('beta', { op: 'add', data: {}, defaults, meta });
  const clock = await pool.query<{ now: number }>(
    `SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now`,
  );
  const [found] = (await store.history({ id: entry, limit: 1 })).entries;
  expect(found!.at).toBeLessThanOrEqual(clock.rows[0]!.now + 1);
  expect(found!.at).toBeGreaterThan(clock.rows[0]!.now - 5000);
  for (const id of ['', 'x', '-1', '1.5', '99999999999999999999', '0']) {
    expect((await store.history({ id, limit: 1 })).entries).toEqual([]);
    expect((await store.history({ before: id, limit: 1 })).entries).toEqual([]);
  }
});

it('keeps user ids, sources and actors that PostgreSQL text cannot hold as they are', async () => {
  const pool = pg.pool();
  const schema = await pg.schema();
  const store = new PostgresStore(pool, { schema });
  const odd = ['a\u0000b', 'back\\slash', '\\0', 'é😀'];
  await store.write('beta', { op: 'add', data: {}, defaults, meta });
  await store.write('beta', { op: 'addUsers', users: odd, meta: { actor: 'x\u0000y', reason: 'r\\0', source: 'cli' } });
  await store.write('beta', { op: 'addPattern', pattern: { source: '^\\d\u0000', flags: 'i' }, meta });
  await store.write('beta', { op: 'remove', meta });
  const [removal, pattern, users] = (await store.history({ limit: 3 })).entries;
  expect(users).toMatchObject({ actor: 'x\u0000y', reason: 'r\\0', source: 'cli' });
  expect([...users!.after!.users!].sort()).toEqual([...odd].sort());
  expect(pattern!.after).toEqual({ patterns: [{ source: '^\\d\u0000', flags: 'i' }] });
  expect([...removal!.before!.users!].sort()).toEqual([...odd].sort());
  expect(removal!.before!.patterns).toEqual([{ source: '^\\d\u0000', flags: 'i' }]);
  // Reverting the removal recreates it whole.
  const restore: StoreWrite = {
    op: 'restore',
    data: { ...defaults },
    users: removal!.before!.users!,
    patterns: removal!.before!.patterns!,
    meta: { ...meta, reverts: removal!.id, expect: removal!.id },
  };
  await store.write('beta', restore);
  const read = await store.read('beta', true);
  expect([...(read.feature as StoredFeature).users!].sort()).toEqual([...odd].sort());
  expect((await store.history({ limit: 1 })).entries[0]).toMatchObject({ action: 'revert', before: null });
});

it('two processes reverting the same entry at once: one succeeds, the other gets HANOI_CONFLICT', async () => {
  const schema = await pg.schema();
  const stores = [new PostgresStore(pg.pool(), { schema }), new PostgresStore(pg.pool(), { schema })];
  for (let round = 0; round < 5; round++) {
    const name = `race-${round}`;
    await stores[0]!.write(name, { op: 'add', data: { percentage: 10 }, defaults, meta });
    const { entry } = await stores[0]!.write(name, { op: 'update', data: { percentage: 90 }, meta });
    const settled = await Promise.allSettled(
      stores.map((store) =>
        store.write(name, { op: 'update', data: { percentage: 10 }, meta: { ...meta, reverts: entry, expect: entry } }),
      ),
    );
    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'HANOI_CONFLICT' });
    expect((await stores[1]!.history({ feature: name, limit: 10 })).entries.map((e) => e.action)).toEqual([
      'revert',
      'update',
      'create',
    ]);
  }
});

it('hanoi history and hanoi revert with --postgres', async () => {
  const schema = uniqueSchema();
  const url = pg.server().url;
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const io = { stdout, stderr: new PassThrough(), env: {} };
  const hanoi = async (...args: string[]) => {
    out = '';
    const code = await run(['--postgres', url, '--schema', schema, ...args], { io });
    return { code, out };
  };
  expect(await run(['migrate', '--postgres', url, '--schema', schema], { io })).toBe(ExitCode.OK);
  const app = new PostgresBackend(pg.pool(), { schema, logger: quietLogger() });
  const rollout = new Rollout(app);
  await rollout.ready();
  expect((await hanoi('add', 'beta', '--percentage', '10')).code).toBe(ExitCode.OK);
  expect((await hanoi('--actor', 'ana@example.com', '--reason', 'ramp up', 'percentage', 'beta', '90')).code).toBe(
    ExitCode.OK,
  );
  const listed = await hanoi('--json', 'history', 'beta');
  const { entries, dropped } = JSON.parse(listed.out) as { entries: { id: string; action: string }[]; dropped: number };
  expect(dropped).toBe(0);
  expect(entries.map((e) => e.action)).toEqual(['update', 'create']);
  const table = await hanoi('history');
  expect(table.out).toContain('ana@example.com');
  expect(table.out).toContain('ramp up');
  expect((await hanoi('revert', entries[0]!.id)).code).toBe(ExitCode.OK);
  expect((await rollout.getFunc('beta'))!.percentage).toBe(10);
  expect((await hanoi('revert', entries[0]!.id)).code).toBe(ExitCode.CONFLICT);
  const [latest] = await rollout.history({ limit: 1 });
  expect(latest).toMatchObject({ action: 'revert', reverts: entries[0]!.id, source: 'cli' });
  await rollout.close();
  await pg.pool().query(`DROP SCHEMA "${schema}" CASCADE`);
});

it('a bulk register or unregister is one entry per 1,000 ids it changed, in one transaction, as on Redis', async () => {
  const schema = await pg.schema();
  const rollout = new Rollout(new PostgresBackend(pg.pool(), { schema, logger: quietLogger() }));
  try {
    await rollout.addFunc('bulk');
    const ids = Array.from({ length: 2500 }, (_, i) => `u${i}`);
    await rollout.register('bulk', ['u0']); // already listed: changed by no later entry
    const before = (await rollout.history({ feature: 'bulk', limit: 1 }))[0]!.id;
    await rollout.register('bulk', ids);
    const added = (await rollout.history({ feature: 'bulk', limit: 10 })).filter((e) => Number(e.id) > Number(before));
    // Newest first: 2,499 ids changed, so 1,000 + 1,000 + 499, the last batch newest.
    expect(added.map((e) => [e.action, e.after?.users?.length])).toEqual([
      ['register', 499],
      ['register', 1000],
      ['register', 1000],
    ]);
    expect(new Set(added.flatMap((e) => e.after!.users!))).toEqual(new Set(ids.slice(1)));
    await rollout.unregister('bulk', ids.slice(0, 1200));
    const removed = await rollout.history({ feature: 'bulk', limit: 2 });
    expect(removed.map((e) => [e.action, e.before?.users?.length, e.after])).toEqual([
      ['unregister', 200, {}],
      ['unregister', 1000, {}],
    ]);
    // Undoing the newest batch brings back its 200 ids only.
    await rollout.revert(removed[0]!.id);
    expect((await rollout.getFunc('bulk'))!.users).toHaveLength(1300 + 200);
  } finally {
    await rollout.close();
  }
});
