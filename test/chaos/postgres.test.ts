import type { FeatureSnapshot } from '@hanoi/core';
import { migrate } from '@hanoi/postgres';
import { Pool } from 'pg';
import { sleep, watchUnhandled } from '../support/http-frameworks';
import { startPostgres, urlOnPort, type PostgresServer } from '../support/postgres-server';
import { freePort } from '../support/redis-server';
import { eventually } from '../postgres/postgres-fixture';
import { defineFeatures, LISTED, USERS, type CheckAnswer } from './chaos-app';
import { answerShows, checkSamples, warmUp, writeEventually, type Marks } from './chaos-checks';
import { runLoad, type Sample } from './load';
import { openApp, openProcess, outcomeOf, RESYNC_MS, useCleanups, type PgApp } from './postgres-chaos';

// SPEC "Stores" and "Writes, connections and resets", on PostgreSQL, through
// real HTTP: an app serving the same routes on Express and on Koa, its
// PostgresBackend holding users or looking them up, while its database is
// down at start-up, killed and restarted under load, has every backend
// terminated (the LISTEN connection too), or is paused. No request fails or
// runs past its bound, a guard never lets in a user who is not listed,
// writes during the outage reject with a code and are never applied later,
// and the process converges to what the database holds without a restart.
// Bounds are generous limits for a loaded machine, not measurements.

const run = process.env.DATABASE_URL ? describe.skip : describe;
jest.setTimeout(120_000);

/** The resync interval plus the propagation bound, with room for a loaded 2-core machine. */
const CONVERGE_MS = RESYNC_MS + 9000;
/** A request with no full answer in this long counts as failed. */
const REQUEST_BOUND_MS = 5000;
/** How long a lookup waits for a paused server (the outage phase of a lookup begins this long after the pause). */
const LOOKUP_TIMEOUT_MS = 800;

/** Request `n` of loop `loop`: every third one through the guard, the others to /check. */
function nextRequest(loop: number, n: number): { path: string; user: string } {
  return { path: n % 3 === 2 ? '/beta' : '/check', user: USERS[(loop * 7 + n) % USERS.length]! };
}

/** Bounded loops through the Express app and the Koa app at once; resolves with every sample. */
async function loadBoth(app: PgApp, durationMs: number): Promise<Sample[]> {
  const runs = app.urls.map((url) =>
    runLoad({ url, loops: 8, durationMs, maxPerLoop: 2000, boundMs: REQUEST_BOUND_MS, next: nextRequest }),
  );
  return (await Promise.all(runs)).flat();
}

/** Warms up both apps: the same answers, so one map of variants serves both. */
async function warmBoth(app: PgApp): Promise<Map<string, string | null>> {
  const [viaExpress, viaKoa] = await Promise.all(app.urls.map((url) => warmUp(url, REQUEST_BOUND_MS)));
  expect(viaKoa).toEqual(viaExpress);
  return viaExpress!;
}

/** When both apps show `done` for `user`: the later of the two, or 0 when either did not within `ms`. */
async function bothShow(app: PgApp, user: string, done: (answer: CheckAnswer) => boolean, ms: number): Promise<number> {
  const seen = await Promise.all(app.urls.map((url) => answerShows(url, user, done, ms)));
  return seen.includes(0) ? 0 : Math.max(...seen);
}

/** The features `defineFeatures` makes, with their percentages. */
const DEFINED = { beta: 0, cdc_on: 100, checkout: 30, everyone: 100, hidden: 100, staff_tools: 0 };

/** What the database holds, read with SQL: each feature's percentage. */
async function stored(admin: Pool): Promise<Record<string, number>> {
  const { rows } = await admin.query<{ name: string; percentage: number }>(
    "SELECT name, (data->>'percentage')::int AS percentage FROM hanoi.features",
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.percentage]));
}

/** The `after` of every history entry of `feature`, read with SQL. */
async function historyOf(admin: Pool, feature: string): Promise<string[]> {
  const { rows } = await admin.query<{ after: string }>('SELECT after FROM hanoi.history WHERE feature = $1', [
    feature,
  ]);
  return rows.map((row) => row.after ?? '');
}

/** The users whose request reached the handler behind `requireFeature('beta')`. */
function usersLetIn(app: PgApp): string[] {
  return [...app.runs.keys()].sort();
}

run.each([
  ['holding users', false],
  ['looking users up', true],
])('PostgresBackend %s, through Express and Koa', (_label, lookupUsers) => {
  const cleanup = useCleanups();
  let unhandled: ReturnType<typeof watchUnhandled>;
  beforeEach(() => {
    unhandled = watchUnhandled();
  });
  afterEach(() => {
    unhandled.stop();
    expect(unhandled.reasons).toEqual([]);
  });

  const server = async (port?: number): Promise<PostgresServer> => {
    const pg = await startPostgres({ port });
    cleanup(() => pg.stop());
    return pg;
  };
  /** Migrates the database; resolves with a pool for reading it with SQL, ended after the test. */
  const migrated = async (pg: PostgresServer) => {
    const admin = new Pool({ connectionString: pg.url, max: 2 });
    admin.on('error', () => {});
    cleanup(() => admin.end().catch(() => {}));
    await migrate(admin);
    return admin;
  };

  it('the database down at start-up: the app answers from bootstrap, guards stay closed, and it converges when the database comes', async () => {
    const port = await freePort();
    // Bootstrap: `everyone` on, `hidden` on (the database will say off); nothing else known.
    const bootstrap: FeatureSnapshot[] = ['everyone', 'hidden'].map((name) => ({
      name,
      enabled: true,
      percentage: 100,
      users: [],
      patterns: [],
      variants: [],
    }));
    const app = await openApp(urlOnPort(port), cleanup, { lookupUsers, bootstrap });
    await app.backend.ready(); // resolves after readyTimeoutMs: never waits for the database

    const down = await loadBoth(app, 1500);
    expect(
      down
        .filter((s) => s.status !== (s.path === '/beta' ? 404 : 200))
        .map((s) => `${s.path} ${s.user}: ${s.status} ${s.error ?? s.body}`),
    ).toEqual([]);
    for (const s of down.filter((s) => s.path === '/check')) {
      expect({ user: s.user, ...(JSON.parse(s.body) as CheckAnswer) }).toEqual({
        user: s.user,
        all: true,
        pct: false,
        listed: false,
        pattern: false,
        off: true,
        late: false,
        variant: null,
        guard: 'denied',
      });
    }
    expect(down.filter((s) => s.path === '/beta' && LISTED.has(s.user)).length).toBeGreaterThan(0);
    expect(usersLetIn(app)).toEqual([]);
    // A write with no database rejects with a code after the write timeout, and is never applied.
    expect(await outcomeOf(app.rollout.addFunc('recommendations', { percentage: 100 }))).toMatchObject({
      code: 'HANOI_BACKEND_UNAVAILABLE',
    });

    // The database comes up, and another process defines the features.
    const pg = await server(port);
    const admin = await migrated(pg);
    const other = openProcess(pg.url, cleanup);
    await other.backend.ready();
    await defineFeatures(other.rollout);

    // The app converges without a restart: the database's definitions replace the bootstrap.
    const seen = await bothShow(app, 'u-0', (a) => a.listed && !a.off && a.variant !== null, 20_000);
    expect(seen).toBeGreaterThan(0);
    await warmBoth(app);
    const after = await loadBoth(app, 1000);
    expect(after.filter((s) => s.path === '/beta' && s.status !== (LISTED.has(s.user) ? 200 : 404))).toEqual([]);
    expect(usersLetIn(app).every((user) => LISTED.has(user))).toBe(true);
    expect(await stored(admin)).toEqual(DEFINED);
    expect(await historyOf(admin, 'recommendations')).toEqual([]);
  });

  it.each(['stopped at once and started again', 'its backends terminated'] as const)(
    'lost under load, %s: no request fails, guards hold, and a change made meanwhile arrives',
    async (fault) => {
      const pg = await server();
      const admin = await migrated(pg);
      const app = await openApp(pg.url, cleanup, { lookupUsers });
      await app.backend.ready();
      await defineFeatures(app.rollout);
      const other = openProcess(pg.url, cleanup);
      await other.backend.ready();
      const variants = await warmBoth(app);
      app.runs.clear();

      let feedsLost = 0;
      for (const { backend } of [app, other]) cleanup(backend.watch({ unavailable: () => void feedsLost++ }));
      const marks: Marks = { killed: 0, restarting: 0, changed: 0, seen: 0 };
      const load = loadBoth(app, 9000);
      await sleep(1500);
      marks.failing = Date.now();
      if (fault === 'stopped at once and started again') {
        await pg.kill();
        marks.killed = Date.now();
        // Written while the database is away: rejected with a code, never applied (it settles before the restart).
        expect(await outcomeOf(app.rollout.addFunc('recommendations', { percentage: 100 }))).toMatchObject({
          code: 'HANOI_BACKEND_UNAVAILABLE',
        });
        await sleep(1000); // the outage goes on under load
        marks.restarting = Date.now();
        await pg.restart();
      } else {
        // Every connection but this one, three times: both processes' LISTEN connections among them.
        marks.killed = marks.restarting = Date.now();
        for (let round = 0; round < 3; round++) {
          await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()',
          );
          await sleep(700);
        }
      }
      // Another process writes once the database is back: the app shows it, listed users answered again.
      await writeEventually(() => other.rollout.addFunc('new_search', { percentage: 100 }), 20_000);
      marks.changed = Date.now();
      marks.seen = await bothShow(app, 'u-0', (a) => a.late && a.listed, CONVERGE_MS);
      const samples = await load;

      expect(marks.seen).toBeGreaterThan(0);
      expect(feedsLost).toBeGreaterThanOrEqual(2); // both processes lost their connections, and came back
      await eventually(() => app.backend.store.isConnected() && other.backend.store.isConnected(), CONVERGE_MS);
      const outage = checkSamples(samples, marks, variants, lookupUsers);
      if (fault === 'stopped at once and started again') expect(outage).toBeGreaterThan(10); // the outage was under load
      expect(samples.length).toBeGreaterThan(100);
      expect(usersLetIn(app).every((user) => LISTED.has(user))).toBe(true);
      expect(await stored(admin)).toEqual({ ...DEFINED, new_search: 100 });
      expect(await historyOf(admin, 'recommendations')).toEqual([]);
    },
  );

  it('paused: checks answer from the cache, lookups stay bounded, writes reject with a code and never land', async () => {
    const pg = await server();
    const admin = await migrated(pg);
    const app = await openApp(pg.url, cleanup, { lookupUsers, lookupTimeoutMs: LOOKUP_TIMEOUT_MS });
    await app.backend.ready();
    await defineFeatures(app.rollout);
    const other = openProcess(pg.url, cleanup);
    await other.backend.ready();
    const variants = await warmBoth(app);

    // Lookups are the app pool's only `query` calls (everything else borrows a client): count those not yet answered.
    let outstanding = 0;
    let mostOutstanding = 0;
    const query = app.pool.query.bind(app.pool) as (...args: unknown[]) => Promise<unknown>;
    (app.pool as { query: unknown }).query = (...args: unknown[]) => {
      mostOutstanding = Math.max(mostOutstanding, ++outstanding);
      const sent = query(...args);
      const settle = () => void outstanding--;
      sent.then(settle, settle);
      return sent;
    };

    const marks: Marks = { killed: 0, restarting: 0, changed: 0, seen: 0 };
    const load = loadBoth(app, 8000);
    await sleep(1500);
    marks.failing = Date.now();
    pg.pause();
    cleanup(() => pg.resume());
    // A request in flight at the pause may still have been answered: the outage counts from a lookup timeout later.
    marks.killed = Date.now() + LOOKUP_TIMEOUT_MS;
    const writes = await Promise.all([
      outcomeOf(app.rollout.setPercentage('checkout', 99)),
      outcomeOf(app.rollout.addFunc('recommendations', { percentage: 100 })),
    ]);
    await sleep(2000);
    marks.restarting = Date.now();
    pg.resume();
    for (const outcome of writes) {
      expect((outcome as { code?: string }).code).toMatch(/^HANOI_(BACKEND_UNAVAILABLE|WRITE_OUTCOME_UNKNOWN)$/);
    }

    // Every transaction begun before the pause has ended (committed or rolled back): what is there now stays.
    await eventually(async () => {
      const open = await admin.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE xact_start < to_timestamp($1::float8 / 1000) AND pid <> pg_backend_pid()',
        [marks.restarting],
      );
      return open.rows[0]!.n === '0';
    }, 20_000);
    expect(await stored(admin)).toEqual(DEFINED);
    expect(await historyOf(admin, 'recommendations')).toEqual([]);
    expect((await historyOf(admin, 'checkout')).filter((after) => after.includes('99'))).toEqual([]);

    await writeEventually(() => other.rollout.addFunc('new_search', { percentage: 100 }), 20_000);
    marks.changed = Date.now();
    marks.seen = await bothShow(app, 'u-0', (a) => a.late && a.listed, CONVERGE_MS);
    const samples = await load;

    expect(marks.seen).toBeGreaterThan(0);
    const outage = checkSamples(samples, marks, variants, lookupUsers);
    expect(outage).toBeGreaterThan(10); // the pause was under load
    if (lookupUsers) {
      // The lookups the paused server never answered stayed few: they did not grow with the requests.
      const duringPause = samples.filter((s) => s.start >= marks.killed && s.end <= marks.restarting).length;
      expect(mostOutstanding).toBeLessThanOrEqual(256); // the cache's default bound on pending lookups
      expect(mostOutstanding * 2).toBeLessThan(duringPause);
    }
    expect(usersLetIn(app).every((user) => LISTED.has(user))).toBe(true);
  });
});
