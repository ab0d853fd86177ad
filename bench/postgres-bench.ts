/**
 * PostgreSQL store benchmark, against MemoryBackend and RedisBackend in the
 * same run: the cost of a check answered from the cache, the queries a
 * request costs with `lookupUsers`, and propagation between two processes
 * over LISTEN/NOTIFY. Starts its own throwaway cluster and redis-server on
 * free ports. Run `pnpm build` first, then `pnpm --filter @hanoi/bench postgres`
 * (BENCH_ROUNDS bounds the repeated parts).
 */
import { MemoryBackend, Rollout, type Backend } from '@hanoi/core';
import { migrate, PostgresBackend } from '@hanoi/postgres';
import { RedisBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'pg';
import { startPostgres, uniqueSchema } from '../test/support/postgres-server';
import { startRedis, uniquePrefix } from '../test/support/redis-server';
import {
  formatNs,
  formatRatio,
  machineLine,
  markdownTable,
  quantile,
  roundsFromEnv,
  runRounds,
  type BenchCase,
} from './lib';

const ITERATIONS = 200_000;
const ids = Array.from({ length: 4096 }, (_, i) => `user-${i * 7919}`);
const quiet = { warn: () => {}, error: () => {} };
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function prepare(rollout: Rollout): Promise<void> {
  await rollout.addFunc('plain', { percentage: 10 });
  await rollout.addFunc('listed', { percentage: 10 });
  await rollout.register('listed', ids.slice(0, 1000));
  for (let i = 0; i < 10; i++) {
    await rollout.addFunc(`f${i}`, { percentage: i * 10, variants: ['a', 'b'] });
    await rollout.register(`f${i}`, ids.slice(i * 100, i * 100 + 50));
  }
}

function checkCase(kind: string, rollout: Rollout, feature: string): BenchCase {
  return {
    name: `${kind} ${feature}`,
    iterations: ITERATIONS,
    async run(n) {
      let on = 0;
      for (let i = 0; i < n; i++) if (await rollout.isEnabled(feature, ids[i & 4095]!)) on++;
      return on;
    },
  };
}

/** Counts the statements sent through `pool.query` (what a user lookup uses). */
function countQueries(pool: Pool): () => number {
  let count = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    count++;
    return query(...args);
  };
  return () => count;
}

async function propagation(url: string, schema: string, backend: Backend): Promise<number[]> {
  const child = fork(fileURLToPath(new URL('./postgres-propagation-writer.ts', import.meta.url)), [url, schema], {
    execArgv: ['--import', 'tsx'],
  });
  const started = new Map<number, number>();
  let ready = false;
  child.on('message', (m: { ready?: boolean; i?: number; startedAt?: number; error?: string }) => {
    if (m.ready) ready = true;
    else if (m.error) console.error(`writer: ${m.error}`);
    else started.set(m.i!, m.startedAt!);
  });
  const latencies: number[] = [];
  try {
    for (let waited = 0; !ready && waited < 10_000; waited += 10) await sleep(10);
    for (let i = 1; i <= 200; i++) {
      child.send({ i });
      const until = now() + 2000;
      let seenAt: number | undefined;
      while (now() < until && seenAt === undefined) {
        if (backend.peek('P')?.percentage === i % 100) seenAt = now();
        else await sleep(1);
      }
      while (!started.has(i) && now() < until + 2000) await sleep(1);
      if (seenAt !== undefined && started.has(i)) latencies.push(seenAt - started.get(i)!);
    }
  } finally {
    child.send({ exit: true });
  }
  return latencies;
}

async function main(): Promise<void> {
  const options = roundsFromEnv({ rounds: 5, warmupRounds: 1, deadlineMs: 240_000, clock: 'wall' });
  const [pg, redis] = await Promise.all([startPostgres(), startRedis({ persist: false })]);
  console.log(
    `# PostgreSQL store\nmachine: ${machineLine()}\nPostgreSQL on 127.0.0.1:${pg.port}; rounds: ${options.rounds}\n`,
  );
  const pool = new Pool({ connectionString: pg.url, max: 8 });
  pool.on('error', () => {});
  const client = new Redis(redis.url);
  const opened: Rollout[] = [];
  const open = (backend: Backend) => {
    const rollout = new Rollout(backend, { logger: quiet });
    opened.push(rollout);
    return rollout;
  };
  try {
    const schema = uniqueSchema('bench');
    await migrate(pool, { schema });
    const lookupSchema = uniqueSchema('bench');
    await migrate(pool, { schema: lookupSchema });
    const kinds: [string, Rollout][] = [
      ['MemoryBackend', open(new MemoryBackend())],
      ['RedisBackend', open(new RedisBackend(client, { prefix: uniquePrefix('bench'), logger: quiet }))],
      ['PostgresBackend', open(new PostgresBackend(pool, { schema, logger: quiet }))],
    ];
    for (const [, rollout] of kinds) {
      await rollout.ready();
      await prepare(rollout);
    }
    console.log('## A check from the cache (await isEnabled, 10%; "listed": 1,000 listed users), medians\n');
    const cases = kinds.flatMap(([kind, rollout]) => ['plain', 'listed'].map((f) => checkCase(kind, rollout, f)));
    const results = await runRounds(cases, options);
    const base = (feature: string) => results.find((r) => r.name === `MemoryBackend ${feature}`)!.medianNs;
    console.log(
      markdownTable(
        [
          { title: 'case' },
          { title: 'ns/check', align: 'right' },
          { title: 'spread', align: 'right' },
          { title: 'vs Memory', align: 'right' },
        ],
        results.map((r) => [
          r.name,
          formatNs(r.medianNs),
          `${Math.round(r.spread * 100)}%`,
          formatRatio(r.medianNs, base(r.name.split(' ')[1]!)),
        ]),
      ),
    );

    console.log('\n## Queries per request with lookupUsers (forUser + 10 isEnabled + 10 variant, 1,000 users)\n');
    const lookupPool = new Pool({ connectionString: pg.url, max: 4 });
    lookupPool.on('error', () => {});
    const lookup = open(new PostgresBackend(lookupPool, { schema: lookupSchema, lookupUsers: true, logger: quiet }));
    await lookup.ready();
    await prepare(lookup);
    const queries = countQueries(lookupPool);
    for (let u = 0; u < 1000; u++) {
      const features = await lookup.forUser(ids[u]!);
      for (let i = 0; i < 10; i++) {
        features.isEnabled(`f${i}`);
        features.variant(`f${i}`);
      }
    }
    console.log(
      markdownTable(
        [{ title: 'backend' }, { title: 'queries/request', align: 'right' }],
        [['PostgresBackend, lookupUsers', fixed(queries() / 1000)]],
      ),
    );

    console.log('\n## Propagation between two processes (200 changes, ms from the write call to seen)\n');
    const watcher = open(new PostgresBackend(pool, { schema: lookupSchema, logger: quiet }));
    await watcher.ready();
    await watcher.addFunc('P', { percentage: 0 });
    const rows: string[][] = [];
    for (let run = 1; run <= 3; run++) {
      const latencies = await propagation(pg.url, lookupSchema, watcher.backend);
      rows.push([
        String(run),
        fixed(quantile(latencies, 0.5), 1),
        fixed(quantile(latencies, 0.99), 1),
        fixed(Math.max(...latencies), 1),
        String(200 - latencies.length),
      ]);
    }
    console.log(
      markdownTable(
        [
          { title: 'run' },
          { title: 'p50 ms', align: 'right' },
          { title: 'p99 ms', align: 'right' },
          { title: 'max ms', align: 'right' },
          { title: 'missed (2 s)', align: 'right' },
        ],
        rows,
      ),
    );
    await lookupPool.end();
  } finally {
    for (const rollout of opened) await rollout.close();
    client.disconnect();
    await pool.end();
    await Promise.all([pg.stop(), redis.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
