/**
 * Admin page benchmark: server time to render the list of 500 features, the
 * page of a feature with 1,000,000 listed users and the page of a segment
 * with 1,000,000 listed units (MemoryBackend), then the feature page with
 * 1,000,000 listed users kept in the store (RedisHighPerfBackend on a
 * redis-server of its own, PostgreSQL with lookupUsers on a throwaway
 * cluster; wall clock, the store's time included; BENCH_STORES=redis or
 * =none leaves PostgreSQL, or both, out), through
 * the framework-neutral handler (what @hanoi/express and @hanoi/koa call;
 * no HTTP), against a baseline measured in the same run: reading the same
 * data and building a JSON string of it. Goal: each page under 200 ms.
 * Run `pnpm build` first, then `pnpm --filter @hanoi/bench admin`
 * (BENCH_ROUNDS, BENCH_DEADLINE_S bound it; see bench/README.md).
 */
import { createAdminHandler, type AdminRequest } from '@hanoi/admin';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { migrate, PostgresBackend } from '@hanoi/postgres';
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import { startPostgres, uniqueSchema } from '../test/support/postgres-server';
import { startBenchRedis } from './redis-setup';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineLine, markdownTable, roundsFromEnv, runRounds, type BenchCase } from './lib';

const FEATURES = 500;
const USERS = 1_000_000;
const GOAL_MS = 200;

function request(path: string, query = ''): AdminRequest {
  return {
    method: 'GET',
    path,
    base: '/flags',
    query: new URLSearchParams(query),
    headers: {},
    origin: 'http://127.0.0.1',
    readForm: () => Promise.reject(new Error('a GET has no form')),
  };
}

async function main(): Promise<void> {
  const options = roundsFromEnv({ rounds: 7, warmupRounds: 1, deadlineMs: 120_000, clock: 'cpu' });
  console.log('# Admin page: server render time');
  console.log(`machine: ${machineLine(describeMachine())}`);
  console.log(`@hanoi/admin from: ${fileURLToPath(import.meta.resolve('@hanoi/admin'))}`);
  console.log(
    `rounds: ${options.rounds} (+${options.warmupRounds} warm-up), clock: ${options.clock}, medians in ms per page`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  const rollout = new Rollout(new MemoryBackend());
  const kinds = ['search', 'checkout', 'profile', 'billing'];
  for (let i = 0; i < FEATURES; i += 1) {
    const name = `${kinds[i % 4]}-${String(i).padStart(3, '0')}`;
    await rollout.addFunc(name, { percentage: i % 101, variants: i % 3 === 0 ? ['a', 'b'] : [] });
    if (i % 5 === 0) await rollout.register(name, [`u-${i}`, `v-${i}`]);
    if (i % 7 === 0) await rollout.register(name, /^staff-/);
  }
  await rollout.addFunc('big', { percentage: 10 });
  const ids = Array.from({ length: USERS }, (_, i) => `user-${String(i).padStart(7, '0')}`);
  for (let i = 0; i < USERS; i += 100_000) await rollout.register('big', ids.slice(i, i + 100_000));
  await rollout.defineSegment('big-segment', { constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] });
  for (let i = 0; i < USERS; i += 100_000) await rollout.registerSegment('big-segment', ids.slice(i, i + 100_000));

  const handle = createAdminHandler({ rollout, authorize: () => 'bench' });
  const page = (name: string, path: string, query: string, iterations: number): BenchCase => ({
    name,
    iterations,
    async run(n) {
      let bytes = 0;
      for (let i = 0; i < n; i += 1) bytes += (await handle(request(path, query), null)).body.length;
      return bytes / n;
    },
  });
  // Page 1, the last page and a search through every id of a list of a million (`key`: its query's prefix).
  const bigList = (what: string, path: string, key: string): BenchCase[] => [
    page(`${what}, page 1`, path, '', 20),
    page(`${what}, last page`, path, `${key}_page=${USERS / 50}`, 3),
    page(`${what}, search "99999"`, path, `${key}_q=99999`, 3),
  ];
  const cases: BenchCase[] = [
    {
      name: `(a) baseline: ${FEATURES} features read, JSON of the first 50`,
      iterations: 20,
      async run(n) {
        let bytes = 0;
        for (let i = 0; i < n; i += 1) {
          const names = (await rollout.listFuncs()).sort();
          bytes += JSON.stringify(names.slice(0, 50).map((name) => rollout.peek(name))).length;
        }
        return bytes / n;
      },
    },
    page(`list of ${FEATURES} features, page 1`, '/', '', 20),
    page(`list of ${FEATURES} features, search "checkout-4"`, '/', 'q=checkout-4', 20),
    {
      name: `(a) baseline: first 50 of ${USERS.toLocaleString('en-US')} users, JSON`,
      iterations: 20,
      async run(n) {
        let bytes = 0;
        for (let i = 0; i < n; i += 1) {
          const page: string[] = [];
          for (const id of rollout.peek('big')!.users!) if (page.push(id) === 50) break;
          bytes += JSON.stringify(page).length;
        }
        return bytes / n;
      },
    },
    ...bigList(`feature with ${USERS.toLocaleString('en-US')} listed users`, '/features/big', 'users'),
    ...bigList(`segment with ${USERS.toLocaleString('en-US')} listed units`, '/segments/big-segment', 'units'),
  ];
  const results = await runRounds(cases, options);
  printTable(results);
  await storeKept(ids);
}

/** The table of one run's medians, with the goal's verdict. */
function printTable(results: Awaited<ReturnType<typeof runRounds>>): void {
  const rows = results.map((result) => {
    const ms = result.medianNs / 1e6;
    return [
      result.name,
      ms < 1 ? ms.toFixed(3) : ms.toFixed(1),
      `${(result.spread * 100).toFixed(0)}%`,
      `${Math.round(result.checksum).toLocaleString('en-US')}`,
      /^\([ab]\)/.test(result.name) ? '' : ms < GOAL_MS ? 'met' : '**missed**',
    ];
  });
  console.log(
    markdownTable(
      [
        { title: 'page' },
        { title: 'ms/page', align: 'right' },
        { title: 'spread', align: 'right' },
        { title: 'bytes', align: 'right' },
        { title: `under ${GOAL_MS} ms` },
      ],
      rows,
    ),
  );
}

const quiet = { warn: () => {}, error: () => {} };

/**
 * The feature page with a million listed users the store keeps (the
 * process holds none): each page is one bounded read of the store
 * (`rollout.listIds`), never the whole list. Baseline: that read alone.
 */
async function storeKept(ids: readonly string[]): Promise<void> {
  const stores = process.env.BENCH_STORES ?? 'redis,postgres';
  const options = { ...roundsFromEnv({ rounds: 7, warmupRounds: 1, deadlineMs: 120_000 }), clock: 'wall' as const };
  const setups: [string, () => Promise<{ rollout: Rollout; stop(): Promise<void> }>][] = [];
  if (stores.includes('redis')) {
    setups.push([
      'RedisHighPerfBackend',
      async () => {
        const redis = await startBenchRedis();
        const { rollout, close } = await redis.rollout('RedisHighPerfBackend');
        return { rollout, stop: async () => (await close(), await redis.stop()) };
      },
    ]);
  }
  if (stores.includes('postgres')) {
    setups.push([
      'PostgreSQL, lookupUsers',
      async () => {
        const server = await startPostgres();
        const pool = new Pool({ connectionString: server.url, max: 4 });
        pool.on('error', () => {}); // an idle client's end when the server stops is the app's to handle, not a crash
        const schema = uniqueSchema('admin_bench');
        await migrate(pool, { schema });
        const backend = new PostgresBackend(pool, {
          schema,
          lookupUsers: true,
          logger: quiet,
          writeTimeoutMs: 120_000,
        });
        const rollout = new Rollout(backend, { logger: quiet });
        await rollout.ready();
        return { rollout, stop: async () => (await rollout.close(), await pool.end(), await server.stop()) };
      },
    ]);
  }
  for (const [kind, setup] of setups) {
    const { rollout, stop } = await setup();
    try {
      const loading = Date.now();
      await rollout.addFunc('big', { percentage: 10 });
      for (let i = 0; i < USERS; i += 50_000) await rollout.register('big', ids.slice(i, i + 50_000));
      console.log(`\n## ${kind}: ${USERS.toLocaleString('en-US')} listed users kept in the store`);
      console.log(`loaded in ${((Date.now() - loading) / 1000).toFixed(1)} s; clock: wall (the store's time included)`);
      console.log(
        `load average: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}\n`,
      );
      const handle = createAdminHandler({ rollout, authorize: () => 'bench' });
      const second = (await rollout.listIds({ feature: 'big', limit: 50 })).next!;
      const page = (name: string, query: string, iterations: number): BenchCase => ({
        name,
        iterations,
        async run(n) {
          let bytes = 0;
          for (let i = 0; i < n; i += 1) bytes += (await handle(request('/features/big', query), null)).body.length;
          return bytes / n;
        },
      });
      const cases: BenchCase[] = [
        {
          name: `(a) baseline: rollout.listIds, 50 of ${USERS.toLocaleString('en-US')}, JSON`,
          iterations: 20,
          async run(n) {
            let bytes = 0;
            for (let i = 0; i < n; i += 1)
              bytes += JSON.stringify(await rollout.listIds({ feature: 'big', limit: 50 })).length;
            return bytes / n;
          },
        },
        {
          // What the page's history section reads: its 20 newest entries, whole (each with the ids it wrote).
          name: `(b) rollout.history, the feature's 20 newest entries`,
          iterations: 5,
          async run(n) {
            let bytes = 0;
            for (let i = 0; i < n; i += 1) {
              bytes += JSON.stringify(await rollout.history({ feature: 'big', limit: 20 })).length;
            }
            return bytes / n;
          },
        },
        page(`${kind}: feature with ${USERS.toLocaleString('en-US')} listed users, page 1`, '', 20),
        page(
          `${kind}: the same, next page`,
          new URLSearchParams({ users_after: second, users_back: '[""]' }).toString(),
          20,
        ),
        page(`${kind}: the same, search "99999"`, 'users_q=99999', 3),
      ];
      printTable(await runRounds(cases, options));
      console.log(
        `load average after: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      );
    } finally {
      await stop();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
