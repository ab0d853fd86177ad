import type { StoreBackend } from '@hanoi/core';
import { migrate } from '@hanoi/postgres';
import { Pool } from 'pg';
import { startPostgres, uniqueSchema, type PostgresServer } from '../support/postgres-server';
import { eventually } from '../postgres/postgres-fixture';
import { defineFeatures, LISTED, USERS, type CheckAnswer } from './chaos-app';
import { answerShows } from './chaos-checks';
import { runLoad } from './load';
import { openApp, openProcess, useCleanups, type PgProcess } from './postgres-chaos';

// SPEC "Writes, connections and resets", on PostgreSQL: the tables are
// truncated, or the schema dropped and migrated again, behind the backs of
// three running processes (one writing, one serving HTTP and holding users,
// one serving HTTP and looking users up). A write that resolved is visible to
// its writer at once; every process converges to what the database holds
// (its new epoch included) within the resync interval plus the propagation
// bound, and its apps answer from that through Express and Koa.

const run = process.env.DATABASE_URL ? describe.skip : describe;
jest.setTimeout(120_000);

const RESYNC_MS = 500;
/** The resync interval plus the propagation bound, with room for a loaded 2-core machine. */
const CONVERGE_MS = RESYNC_MS + 9000;

type Reset = 'TRUNCATE of every table' | 'DROP SCHEMA, then migrate again';
const RESETS: Reset[] = ['TRUNCATE of every table', 'DROP SCHEMA, then migrate again'];

/** The epoch a process holds: what its cache compares every reply with. */
function epochOf(backend: StoreBackend): string | undefined {
  return (backend as unknown as { epoch?: string }).epoch;
}

/** What `/check` answers once only `beta` (listing `u-0`) and `new_search` (100%) exist. */
function afterReset(user: string): CheckAnswer {
  const listed = user === 'u-0';
  return {
    all: false,
    pct: false,
    listed,
    pattern: false,
    off: false,
    late: true,
    variant: null,
    guard: listed ? 'ran' : 'denied',
  };
}

/** What `/check` answers once no feature exists. */
const NOTHING: CheckAnswer = {
  all: false,
  pct: false,
  listed: false,
  pattern: false,
  off: false,
  late: false,
  variant: null,
  guard: 'denied',
};

run('resets behind running processes, through Express and Koa', () => {
  let pg: PostgresServer;
  let admin: Pool;
  beforeAll(async () => {
    pg = await startPostgres();
    admin = new Pool({ connectionString: pg.url, max: 2 });
    admin.on('error', () => {});
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await pg?.stop();
  }, 60_000);
  const cleanup = useCleanups();

  it.each(RESETS)('%s: every process converges, and the writer reads its writes', async (reset) => {
    const schema = uniqueSchema('chaos_reset');
    await migrate(admin, { schema });
    cleanup(() => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    const options = { schema, resyncIntervalMs: RESYNC_MS };
    const writer = openProcess(pg.url, cleanup, options);
    const holding = await openApp(pg.url, cleanup, options);
    const looking = await openApp(pg.url, cleanup, { ...options, lookupUsers: true });
    const all: PgProcess[] = [writer, holding, looking];
    await Promise.all(all.map(({ backend }) => backend.ready()));
    await defineFeatures(writer.rollout);
    for (let i = 1; i <= 5; i++) await writer.rollout.setPercentage('hidden', i * 10); // the version well above 1
    await eventually(() => all.every(({ backend }) => backend.peek('hidden')?.percentage === 50), CONVERGE_MS);
    for (const app of [holding, looking]) {
      for (const url of app.urls)
        expect(await answerShows(url, [...LISTED][0]!, (a) => a.listed, CONVERGE_MS)).toBeGreaterThan(0);
    }
    const epochBefore = epochOf(writer.backend);
    expect(epochBefore).toBeTruthy();

    const t = writer.backend.store.config.tables;
    if (reset === 'TRUNCATE of every table') {
      await admin.query(`TRUNCATE ${t.users}, ${t.patterns}, ${t.denied}, ${t.features}, ${t.head}, ${t.history}`);
    } else {
      await admin.query(`DROP SCHEMA ${t.schema} CASCADE`);
      await migrate(admin, { schema });
    }

    // Writes right after the reset, from one process: each visible to it once it resolves.
    await writer.rollout.addFunc('beta', { percentage: 0 });
    expect(writer.backend.peek('beta')?.percentage).toBe(0);
    await writer.rollout.register('beta', 'u-0');
    expect(await writer.rollout.isEnabled('beta', 'u-0')).toBe(true);
    await writer.rollout.addFunc('new_search', { percentage: 100 });
    expect(writer.backend.peek('new_search')?.percentage).toBe(100);
    expect(await writer.rollout.isEnabled('everyone', 'u-1')).toBe(false); // gone with the reset

    // Every process converges to what the database holds: its features and its epoch.
    const names = (await writer.rollout.listFuncs()).sort();
    expect(names).toEqual(['beta', 'new_search']);
    const { epoch } = await writer.backend.store.head();
    expect(epoch).not.toBe(epochBefore);
    for (const { backend } of all) {
      await eventually(
        () => [...backend.knownNames()].sort().join() === names.join() && epochOf(backend) === epoch,
        CONVERGE_MS,
      );
    }
    // And the apps answer from it, through Express and Koa, every user.
    for (const app of [holding, looking]) {
      for (const url of app.urls) {
        expect(await answerShows(url, 'u-0', (a) => a.listed && a.late, CONVERGE_MS)).toBeGreaterThan(0);
        const samples = await runLoad({
          url,
          loops: 4,
          durationMs: 60_000,
          maxPerLoop: USERS.length / 4,
          boundMs: 3000,
          next: (l, n) => ({ path: '/check', user: USERS[l * 10 + n]! }),
        });
        expect(samples.map((s) => [s.user, s.status, s.status === 200 ? JSON.parse(s.body) : s.body])).toEqual(
          samples.map((s) => [s.user, 200, afterReset(s.user)]),
        );
      }
    }
  });

  it.each(RESETS)('%s with no write after it: every process drops what the database no longer holds', async (reset) => {
    const schema = uniqueSchema('chaos_reset');
    await migrate(admin, { schema });
    cleanup(() => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    const options = { schema, resyncIntervalMs: RESYNC_MS };
    const holding = await openApp(pg.url, cleanup, options);
    const looking = await openApp(pg.url, cleanup, { ...options, lookupUsers: true });
    await Promise.all([holding, looking].map(({ backend }) => backend.ready()));
    await defineFeatures(holding.rollout);
    await eventually(() => looking.backend.peek('beta') !== undefined, CONVERGE_MS);

    const t = holding.backend.store.config.tables;
    if (reset === 'TRUNCATE of every table') {
      await admin.query(`TRUNCATE ${t.users}, ${t.patterns}, ${t.denied}, ${t.features}, ${t.head}, ${t.history}`);
    } else {
      await admin.query(`DROP SCHEMA ${t.schema} CASCADE`);
      // Meanwhile the processes fail to read, and answer from what they hold.
      for (const app of [holding, looking]) {
        expect(await answerShows(app.urls[0], 'u-1', (a) => a.all, CONVERGE_MS)).toBeGreaterThan(0);
      }
      await migrate(admin, { schema });
    }
    for (const app of [holding, looking]) {
      await eventually(() => app.backend.knownNames().length === 0, CONVERGE_MS);
      for (const url of app.urls) {
        const [s] = await runLoad({
          url,
          loops: 1,
          durationMs: 60_000,
          maxPerLoop: 1,
          boundMs: 3000,
          next: () => ({ path: '/check', user: 'u-0' }),
        });
        expect(JSON.parse(s!.body)).toEqual(NOTHING);
      }
    }
  });
});
